/**
 * VS-ML Lab's extension entry. Activation only wires things up: no TensorFlow.js, no dataset
 * decoding and no training happen in the extension host (training runs in dist/trainer.js child
 * processes). Everything created here is owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { ClusterStatusBar } from './cluster/cluster-status-bar';
import { newExperiment } from './commands/new-experiment';
import { registerRunCommands } from './commands/run-commands';
import { ConfigDiagnostics } from './diagnostics/config-diagnostics';
import { CostLens } from './diagnostics/cost-lens';
import { createDatasetCatalog } from './diagnostics/dataset-catalog';
import { createLog } from './output';
import { registerPanels } from './panels';
import { readSettings, resolveIn, type VsmlSettings } from './settings';
import { ChildJobs } from './trainer/child-jobs';
import { nodeFork } from './trainer/node-fork';
import { RunManager } from './trainer/run-manager';
import { ExperimentsTree } from './tree/experiments-tree';

let manager: RunManager | undefined;
let jobs: ChildJobs | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog(context);
  const settings = (): VsmlSettings => readSettings((k) => vscode.workspace.getConfiguration('vsml').get(k));
  const root = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  manager = new RunManager(context.asAbsolutePath('dist/trainer.js'), log);
  context.subscriptions.push(manager);
  const runs = manager;
  jobs = new ChildJobs(log);
  context.subscriptions.push(jobs);

  const tree = new ExperimentsTree(settings, () => runs.ownedRunIds(), log);
  context.subscriptions.push(tree, runs.onDidChangeRuns(() => tree.refreshSoon()));
  const view = vscode.window.createTreeView('vsml.experiments', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(view);

  const catalog = createDatasetCatalog(
    () => {
      const s = settings();
      const r = root();
      return s.dataFolder ? (r ? resolveIn(r, s.dataFolder) : s.dataFolder) : undefined;
    },
    root,
    Date.now,
    () => vscode.workspace.isTrusted,
  );
  const diagnostics = new ConfigDiagnostics(() => catalog);
  context.subscriptions.push(diagnostics);
  const costLens = new CostLens(settings, root, () => catalog);
  context.subscriptions.push(costLens, runs.onDidChangeRuns(() => costLens.invalidateSpeed()));

  registerRunCommands(context, {
    runs, tree, log, settings,
    cliPath: context.asAbsolutePath('dist/cli.js'),
    jobs,
    configErrors: (uri) => diagnostics.errorsBeforeTraining(uri),
  });
  context.subscriptions.push(vscode.commands.registerCommand('vsml.newExperiment', () => newExperiment()));
  // Probes run in child processes on a timer: nothing on the activation path but creating the item.
  context.subscriptions.push(new ClusterStatusBar({
    cliPath: context.asAbsolutePath('dist/cli.js'),
    clusterUrl: () => settings().cluster,
    isTrusted: () => vscode.workspace.isTrusted,
    fork: nodeFork,
    log,
    cwd: () => root() ?? context.extensionPath,
  }));
  registerPanels(context, {
    log,
    runsDirs: () => (vscode.workspace.workspaceFolders ?? []).map((f) => resolveIn(f.uri.fsPath, settings().runsFolder)),
    onTrainerMessage: runs.onDidMessage,
    // The explorer's watcher covers run folders and status.json; its refresh also follows trainer events.
    onRunsChanged: tree.onDidChangeTreeData,
    ownedRunIds: () => runs.ownedRunIds(),
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vsml.runsFolder')) tree.rewatch();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refreshSoon(0)),
  );
  // Problems for every config of the workspace, not only open ones; off the activation path.
  setTimeout(() => void diagnostics.validateWorkspace().catch((e: Error) => log.error('diagnostics', e.message)), 500);

  log.info('extension', `activated in ${(performance.now() - started).toFixed(1)} ms${vscode.workspace.isTrusted ? '' : ' (restricted mode: training disabled)'}`);
}

/** Stops every trainer (each checkpoints, or is killed after its grace period) and CLI job before the host exits. */
export async function deactivate(): Promise<void> {
  await Promise.all([manager?.stopAll(), jobs?.stopAll()]);
  manager = undefined;
  jobs = undefined;
}
