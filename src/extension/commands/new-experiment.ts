import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { experimentTemplate } from './experiment-template';
import { showError } from '../notify';

/** `vsml.newExperiment`: asks for a name, writes `<name>.vsml.json` (commented example) and opens it. */
export async function newExperiment(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void showError('VS-ML: open a folder first; experiments are files of a workspace.');
    return;
  }
  const name = await vscode.window.showInputBox({
    title: 'New VS-ML experiment',
    prompt: 'Experiment name (the file becomes <name>.vsml.json in the workspace folder)',
    value: 'experiment',
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v) ? undefined : 'letters, digits, _ . - (up to 64), starting with a letter or digit'),
  });
  if (!name) return;
  const file = join(folder.uri.fsPath, `${name}.vsml.json`);
  try {
    await access(file);
    void showError(`VS-ML: ${name}.vsml.json already exists; pick another name.`);
    return;
  } catch {
    // does not exist: good
  }
  await writeFile(file, experimentTemplate(name), { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(file));
}
