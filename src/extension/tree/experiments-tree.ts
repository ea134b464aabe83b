/**
 * The `Experiments` view: config files of the workspace, each with its runs. Rebuilt from disk
 * (run discovery) on file-watcher events and on trainer events, debounced; runs whose trainer
 * vanished are written back as failed once.
 */
import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Log } from '../output';
import { markRunFailed } from '../runs/mark-failed';
import { thisMachine } from '../../engine/runs/liveness';
import { type DiscoveredRun, discoverRuns } from '../../engine/runs/run-repository';
import { resolveIn, type VsmlSettings } from '../settings';
import { type ConfigNode, type RunNode, type TreeNode, buildTree } from './tree-model';

const CONFIG_GLOB = '**/*.vsml.json';
/**
 * While another process trains a run of the workspace, the tree is also re-read this often: the
 * file watcher can miss the writes in a run folder that appeared all at once (the watch on the new
 * folder is set up after the trainer's first writes), and a short CLI run then stayed "running".
 */
const POLL_WHILE_OTHERS_TRAIN_MS = 2_000;

export class ExperimentsTree extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = this.track(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ConfigNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private watchers: vscode.Disposable[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Runs already written back as failed (each only once). */
  private readonly markedVanished = new Set<string>();

  constructor(
    private readonly settings: () => VsmlSettings,
    private readonly ownedRunIds: () => ReadonlySet<string>,
    private readonly log: Log,
  ) {
    super();
    this.track(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rewatch()));
    this.track({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
    this.track({ dispose: () => clearTimeout(this.pollTimer) });
    this.rewatch();
  }

  /** Watches config files and every file under the runs folder of each workspace folder. */
  rewatch(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = [];
    const add = (w: vscode.FileSystemWatcher): void => {
      this.watchers.push(w, w.onDidCreate(() => this.refreshSoon()), w.onDidChange(() => this.refreshSoon()), w.onDidDelete(() => this.refreshSoon()));
    };
    add(vscode.workspace.createFileSystemWatcher(CONFIG_GLOB));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const runs = resolveIn(folder.uri.fsPath, this.settings().runsFolder);
      const rel = relative(folder.uri.fsPath, runs).split('\\').join('/');
      // Run folders and their status.json; metrics lines are not needed for the tree. Inside the
      // workspace the pattern is rooted at the folder, which exists even before the first run.
      // The ancestors are watched too: when `.vsml/runs/<id>/` appears at once, the watcher may
      // report only the creation of `.vsml`.
      const inside = rel && !rel.startsWith('..') && !isAbsolute(rel);
      const ancestors = inside ? rel.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')) : [];
      const pattern = inside
        ? new vscode.RelativePattern(folder, `{${[...ancestors, `${rel}/*`, `${rel}/*/status.json`].join(',')}}`)
        : new vscode.RelativePattern(vscode.Uri.file(runs), '{*,*/status.json}');
      add(vscode.workspace.createFileSystemWatcher(pattern));
    }
    this.refreshSoon();
  }

  /**
   * Coalesces refreshes: at most one per `delayMs`. A pending refresh is not pushed back by later
   * events, so a trainer rewriting status.json every few milliseconds cannot starve the view.
   */
  refreshSoon(delayMs = 300): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /**
   * Rebuilds the tree from disk. Refreshes never overlap: one started while another reads the run
   * folders would race it, and the slower (older) read could overwrite the newer tree (a finished
   * run shown as running). A request during a refresh runs once more after it.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    try {
      const files = (await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**')).map((u) => u.fsPath);
      const roots: ConfigNode[] = [];
      let othersTrain = false;
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const root = folder.uri.fsPath;
        const owned = this.ownedRunIds();
        const runs = await discoverRuns(resolveIn(root, this.settings().runsFolder), { here: thisMachine(), ownedRunIds: owned });
        await this.writeBackVanished(runs);
        othersTrain ||= runs.some((r) => r.status?.state === 'running' && r.vanished === undefined && !owned.has(r.runId));
        const mine = files.filter((f) => !relative(root, f).startsWith('..'));
        roots.push(...buildTree(mine, runs, root));
      }
      this.roots = roots;
      if (othersTrain) this.pollSoon();
      void vscode.commands.executeCommand('setContext', 'vsml.hasRunningRuns', this.ownedRunIds().size > 0);
      this.changed.fire(undefined);
    } catch (e) {
      this.log.error('explorer', `refresh failed: ${(e as Error).message}`);
    }
  }

  /** One more refresh in a while (POLL_WHILE_OTHERS_TRAIN_MS), unless one is already due. */
  private pollSoon(): void {
    if (this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.refresh();
    }, POLL_WHILE_OTHERS_TRAIN_MS);
  }

  private async writeBackVanished(runs: readonly DiscoveredRun[]): Promise<void> {
    // Restricted Mode writes nothing: the tree shows such runs as failed without touching the folder.
    if (!vscode.workspace.isTrusted) return;
    for (const r of runs) {
      if (!r.vanished || this.markedVanished.has(r.dir)) continue;
      this.markedVanished.add(r.dir);
      this.log.warn('explorer', `${r.runId}: ${r.vanished}; marking it failed`);
      await markRunFailed(r.dir, r.vanished, { trusted: vscode.workspace.isTrusted }).catch((e: Error) => this.log.error('explorer', `could not mark ${r.runId} failed: ${e.message}`));
    }
  }

  /** All run nodes, for commands that ask the user to pick one. */
  allRuns(): RunNode[] {
    return this.roots.flatMap((c) => c.runs);
  }

  configFiles(): string[] {
    return this.roots.filter((c) => c.file).map((c) => c.file);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.roots;
    return node.kind === 'config' ? [...node.runs] : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.kind === 'run' ? this.roots.find((c) => c.runs.some((r) => r.dir === node.dir)) : undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'config') {
      const item = new vscode.TreeItem(node.label, node.runs.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.description = node.description;
      item.contextValue = node.contextValue;
      // VS Code remembers the expansion of an id: a config first shown without runs (not expandable)
      // would stay collapsed when its first run appears, so the id changes at that moment.
      item.id = `config:${node.file || 'orphans'}:${node.runs.length > 0 ? 'runs' : 'empty'}`;
      if (node.file) {
        item.resourceUri = vscode.Uri.file(node.file);
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.tooltip = node.file;
        item.command = { command: 'vscode.open', title: 'Open Config', arguments: [vscode.Uri.file(node.file)] };
      } else {
        item.iconPath = new vscode.ThemeIcon('folder');
      }
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${node.dir}`;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    const color = node.state === 'failed' ? new vscode.ThemeColor('testing.iconFailed') : node.state === 'finished' ? new vscode.ThemeColor('testing.iconPassed') : undefined;
    item.iconPath = new vscode.ThemeIcon(node.icon, color);
    item.command = { command: 'vsml.openMetrics', title: 'Open Metrics', arguments: [node] };
    return item;
  }
}
