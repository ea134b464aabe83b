/**
 * Which `vsml compare` output folder to show: the folder or table file the command was invoked on
 * (explorer context menu), else a pick among the workspace's folders holding a table.csv, with
 * "Browse…" for any other folder.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';

/** The files `vsml compare --out <dir>` writes at the top of <dir>: invoking the command on one opens <dir>. */
const TABLE_FILES = new Set(['table.csv', 'table.md']);

/** The folder a command argument names: a folder Uri, or the folder of a table.csv / table.md Uri. */
export async function compareFolderOf(arg: unknown): Promise<string | undefined> {
  if (!(arg instanceof vscode.Uri) || arg.scheme !== 'file') return undefined;
  if (TABLE_FILES.has(basename(arg.fsPath))) return dirname(arg.fsPath);
  try {
    const stat = await vscode.workspace.fs.stat(arg);
    return stat.type & vscode.FileType.Directory ? arg.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** The workspace's folders holding a table.csv (compare output folders, most likely). */
export async function findCompareFolders(limit = 200): Promise<string[]> {
  const files = await vscode.workspace.findFiles('**/table.csv', '**/node_modules/**', limit);
  return [...new Set(files.map((u) => dirname(u.fsPath)))].sort();
}

export async function pickCompareFolder(arg?: unknown): Promise<string | undefined> {
  const given = await compareFolderOf(arg);
  if (given) return given;
  const browse = async (): Promise<string | undefined> => {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      openLabel: 'Open Compare Results', title: 'The folder vsml compare --out wrote (it holds table.csv)',
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    return picked?.[0]?.fsPath;
  };
  const found = await findCompareFolders();
  if (found.length === 0) return browse();
  const BROWSE = 'Browse…';
  const choice = await vscode.window.showQuickPick(
    [...found.map((f) => ({ label: basename(f), description: vscode.workspace.asRelativePath(f), folder: f })), { label: BROWSE, description: 'another folder', folder: '' }],
    { placeHolder: 'Which compare results (a folder vsml compare --out wrote)?' },
  );
  if (!choice) return undefined;
  return choice.folder || browse();
}

/** The context key listing the workspace's compare folders: the explorer offers Open Compare Results on them. */
export const COMPARE_FOLDERS_CONTEXT = 'vsml.compareFolders';

/**
 * Keeps COMPARE_FOLDERS_CONTEXT up to date (searched off the activation path, again when a
 * table.csv appears or goes). Returns what to dispose.
 */
export function trackCompareFolders(log: (message: string) => void): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const update = (delay: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      findCompareFolders()
        .then((folders) => vscode.commands.executeCommand('setContext', COMPARE_FOLDERS_CONTEXT, folders))
        .then(undefined, (e: unknown) => log(`could not list compare folders: ${e instanceof Error ? e.message : String(e)}`));
    }, delay);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/table.csv', false, true, false);
  const subs = [watcher, watcher.onDidCreate(() => update(1000)), watcher.onDidDelete(() => update(1000))];
  update(1500);
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    for (const d of subs) d.dispose();
  });
}
