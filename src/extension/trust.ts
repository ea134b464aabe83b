import * as vscode from 'vscode';

export const UNTRUSTED_TRAINING_MESSAGE =
  'VS-ML: training is disabled in Restricted Mode. A run executes code and reads the data folder named by the workspace settings, ' +
  'so VS-ML only validates configs until you trust this workspace.';

/** True when training may run; otherwise explains why not and offers to manage trust. */
export async function requireTrust(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(UNTRUSTED_TRAINING_MESSAGE, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
