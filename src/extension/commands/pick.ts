/** Resolving a command's target: what the user clicked, else the active editor, else a quick pick. */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { RunNode, TreeNode } from '../tree/tree-model';
import { showInfo, showWarning } from '../notify';

export const isConfigPath = (p: string): boolean => p.endsWith('.vsml.json');

/** The config file a command was invoked on: a Uri (editor title, explorer), a tree node, the active editor, or a pick. */
export async function pickConfigFile(arg: unknown, known: readonly string[]): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && isConfigPath(arg.fsPath)) return arg;
  const node = arg as Partial<TreeNode> | undefined;
  if (node?.kind === 'config' && node.file) return vscode.Uri.file(node.file);
  if (node?.kind === 'run' && node.configFile) return vscode.Uri.file(node.configFile);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isConfigPath(active.fsPath)) return active;
  const files = known.length
    ? known.map((f) => vscode.Uri.file(f))
    : await vscode.workspace.findFiles('**/*.vsml.json', '**/node_modules/**');
  if (files.length === 0) {
    const create = await showWarning('VS-ML: no *.vsml.json experiment in this workspace.', 'New Experiment');
    if (create) await vscode.commands.executeCommand('vsml.newExperiment');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const choice = await vscode.window.showQuickPick(
    files.map((u) => ({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
    { placeHolder: 'Which experiment?' },
  );
  return choice?.uri;
}

/**
 * The run a command was invoked on, else a pick among `runs` filtered by `accept`. An argument
 * counts only when it names a run the explorer knows (by folder): a command can be invoked with
 * any object, and its `dir` must not choose what a command deletes or resumes.
 */
export async function pickRun(arg: unknown, runs: readonly RunNode[], accept: (r: RunNode) => boolean, placeHolder: string): Promise<RunNode | undefined> {
  const node = arg as Partial<RunNode> | undefined;
  if (node?.kind === 'run' && typeof node.dir === 'string') {
    const known = runs.find((r) => r.dir === node.dir);
    if (known) return known;
    void showWarning(`VS-ML: ${node.runId ?? node.dir} is not a run of this workspace.`);
    return undefined;
  }
  const candidates = runs.filter(accept);
  if (candidates.length === 0) {
    void showInfo(`VS-ML: no run to choose from (${placeHolder.toLowerCase()}).`);
    return undefined;
  }
  const choice = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.runId, description: r.description, run: r })),
    { placeHolder },
  );
  return choice?.run;
}
