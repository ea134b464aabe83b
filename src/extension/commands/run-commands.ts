/**
 * The run commands: train, sweep, resume, stop, evaluate, delete a run, reveal its config, open its log.
 * Each resolves its target (clicked node, active editor, or a pick) and delegates to the
 * RunManager; training commands need a trusted workspace.
 */
import { rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { ConfigIssue } from '../../engine/config/issues';
import { thisMachine } from '../../engine/runs/liveness';
import { liveOwnerOf, notARunFolder, readRunConfig } from '../../engine/runs/run-repository';
import { requesterName, stopTarget, writeStopRequest } from '../../engine/runs/stop-request';
import type { Log } from '../output';
import type { RunManager } from '../trainer/run-manager';
import type { ExperimentsTree } from '../tree/experiments-tree';
import type { RunNode } from '../tree/tree-model';
import { requireTrust } from '../trust';
import { type VsmlSettings, resolveIn, trainerArgs, trainerEnv } from '../settings';
import type { ChildJobs } from '../trainer/child-jobs';
import { evaluateRun } from './evaluate-run';
import { openRunLog } from './open-run-log';
import { pickConfigFile, pickRun } from './pick';
import { confirmWarning, showError, showInfo, showWarning } from '../notify';
import { trainRefusal } from '../diagnostics/train-gate';
import { type GridAxis, parseGridAxis } from '../../engine/sweep/grid';
import { defaultSweepName } from '../../engine/sweep/sweep-file';
import { SWEEP_NAME } from '../../protocol/sweep-record';
import { type SweepRequest, SweepTerminal, gridAxisProblem, parallelProblem, sweepArgs } from './sweep-terminal';
import { nodeFork } from '../trainer/node-fork';

export interface RunCommandDeps {
  readonly runs: RunManager;
  readonly tree: ExperimentsTree;
  readonly log: Log;
  readonly settings: () => VsmlSettings;
  /** Absolute path of the bundled CLI (dist/cli.js), for `vsml eval`. */
  readonly cliPath: string;
  /** CLI child jobs (`vsml eval`), stopped on deactivate. */
  readonly jobs: ChildJobs;
  /** The errors a config file has now (training refuses to start on those). */
  readonly configErrors: (uri: vscode.Uri) => Promise<readonly ConfigIssue[]>;
}

/** The configured runs folder of every workspace folder. */
function runsDirs(settings: () => VsmlSettings): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => resolveIn(f.uri.fsPath, settings().runsFolder));
}

/**
 * Resume and delete act only on a real run folder directly inside a configured runs folder (never a
 * link, never any other folder) that no live trainer holds; otherwise the user is told why.
 */
async function mayActOn(run: RunNode, refused: string, settings: () => VsmlSettings): Promise<boolean> {
  const notRun = await notARunFolder(run.dir, runsDirs(settings));
  const owner = notRun ? undefined : await liveOwnerOf(run.dir, thisMachine());
  if (notRun) void showError(`VS-ML: ${refused}: ${notRun}.`);
  else if (owner) void showError(`VS-ML: ${refused}: ${run.runId} is being trained by ${owner}; stop that trainer first.`);
  return !notRun && !owner;
}

function workspaceRootOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? join(uri.fsPath, '..');
}

export function registerRunCommands(context: vscode.ExtensionContext, deps: RunCommandDeps): void {
  const { runs, tree, log, settings } = deps;
  const reg = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  /** The config file to train from (saved first), or undefined when there is none or it has errors (then the user is told). */
  const configToRun = async (arg: unknown, component: string): Promise<vscode.Uri | undefined> => {
    if (!(await requireTrust())) return undefined;
    const uri = await pickConfigFile(arg, tree.configFiles());
    if (!uri) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const errors = await deps.configErrors(uri);
    if (errors.length > 0) {
      log.warn(component, `not started: ${basename(uri.fsPath)} has ${errors.length} error(s)`);
      const choice = await showError(trainRefusal(basename(uri.fsPath), errors), 'Show Problems');
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    return uri;
  };

  const train = async (arg: unknown, cluster?: string): Promise<void> => {
    const uri = await configToRun(arg, 'train');
    if (!uri) return;
    const root = workspaceRootOf(uri);
    runs.start({
      configFile: uri.fsPath,
      workspaceRoot: root,
      args: trainerArgs(uri.fsPath, settings(), root),
      env: trainerEnv(process.env, settings(), root, cluster),
      title: `VS-ML: training ${basename(uri.fsPath, '.vsml.json')}${cluster ? ' on the cluster' : ''}`,
    });
  };

  reg('vsml.train', (arg?: unknown) => train(arg));

  // The ES pairs of each step go to the `vsml worker`s of the `vsml.cluster` Redis queue (asked for when unset).
  reg('vsml.trainOnCluster', async (arg?: unknown) => {
    let url = settings().cluster;
    if (!url) {
      url = (await vscode.window.showInputBox({
        title: 'VS-ML: Train on Cluster',
        prompt: 'Redis URL of the cluster queue that `vsml worker --cluster URL` processes serve (saved as the vsml.cluster setting)',
        placeHolder: 'redis://HOST:6379',
        validateInput: (v) => (/^rediss?:\/\/[^\s]+$/.test(v.trim()) ? undefined : 'a redis:// or rediss:// URL'),
      }))?.trim() ?? '';
      if (!url) return;
      await vscode.workspace.getConfiguration('vsml').update('cluster', url, vscode.ConfigurationTarget.Global);
    }
    await train(arg, url);
  });

  reg('vsml.sweep', async (arg?: unknown) => {
    const uri = await configToRun(arg, 'sweep');
    if (!uri) return;
    const axes: GridAxis[] = [];
    for (;;) {
      const first = axes.length === 0;
      const text = await vscode.window.showInputBox({
        title: `Sweep ${basename(uri.fsPath)}: grid axis ${axes.length + 1}`,
        prompt: first ? 'A config path and its values: every combination of the axes becomes a run' : 'Another axis, or leave empty to go on',
        placeHolder: first ? 'optimizer.lr=0.05,0.1' : 'training.population_size=32,64',
        validateInput: (v) => (v.trim() === '' && !first ? undefined : gridAxisProblem(v, axes)),
      });
      if (text === undefined) return; // Escape cancels the sweep
      if (text.trim() === '') break;
      axes.push(parseGridAxis(text.trim()));
    }
    const parallel = await vscode.window.showInputBox({ title: 'Sweep: runs at a time', prompt: 'With more than 1, each run gets floor(cores / N) threads', value: '1', validateInput: parallelProblem });
    if (parallel === undefined) return;
    const name = await vscode.window.showInputBox({
      title: 'Sweep: name', prompt: 'Rerunning a sweep of this name skips its finished runs and resumes stopped ones',
      value: defaultSweepName(uri.fsPath), validateInput: (v) => (SWEEP_NAME.test(v) ? undefined : 'letters, digits, _ . and -'),
    });
    if (name === undefined) return;
    const root = workspaceRootOf(uri);
    const request: SweepRequest = {
      cliPath: deps.cliPath, configFile: uri.fsPath, axes, parallel: Number(parallel), name,
      runsDir: resolveIn(root, settings().runsFolder), cwd: root, env: trainerEnv(process.env, settings(), root),
    };
    log.info('sweep', `node ${deps.cliPath} ${sweepArgs(request).join(' ')}`);
    const written = new vscode.EventEmitter<string>();
    const closed = new vscode.EventEmitter<void>();
    const sweep = new SweepTerminal(nodeFork, request, { write: (t) => written.fire(t), close: () => closed.fire() });
    const terminal = vscode.window.createTerminal({
      name: `VS-ML sweep ${name}`,
      pty: {
        onDidWrite: written.event,
        onDidClose: closed.event,
        open: () => sweep.open(),
        close: () => {
          sweep.close();
          written.dispose();
          closed.dispose();
        },
        handleInput: (data: string) => sweep.handleInput(data),
      },
    });
    context.subscriptions.push(terminal);
    terminal.show();
  });

  reg('vsml.resume', async (arg?: unknown) => {
    if (!(await requireTrust())) return;
    const run = await pickRun(arg, tree.allRuns(), (r) => r.contextValue.endsWith('.resumable'), 'Resume which stopped or failed run?');
    if (!run) return;
    // The trainer would refuse a live run too (run.lock); saying it here avoids starting a process for nothing.
    if (!(await mayActOn(run, 'cannot resume', settings))) return;
    const source = run.configFile ?? (await sourceOfRun(run));
    if (!source) {
      void showError(`VS-ML: ${run.runId} does not name its config file (config.json has no "source").`);
      return;
    }
    const root = workspaceRootOf(vscode.Uri.file(run.dir));
    runs.start({
      configFile: source,
      workspaceRoot: root,
      args: trainerArgs(source, settings(), root, run.dir),
      env: trainerEnv(process.env, settings(), root),
      title: `VS-ML: resuming ${run.runId}`,
    });
  });

  reg('vsml.stop', async (arg?: unknown) => {
    const active = runs.list();
    const node = arg as Partial<RunNode> | undefined;
    let target = node?.kind === 'run' ? active.find((t) => t.process.runDir === node.dir || t.process.runId === node.runId) : undefined;
    if (!target && node?.kind === 'run') {
      // Trained elsewhere (the CLI, another window): ask its trainer through the run folder.
      await requestStop(node, deps);
      return;
    }
    if (!target) {
      if (active.length === 0) {
        void showInfo('VS-ML: no run is training.');
        return;
      }
      if (active.length === 1) target = active[0];
      else {
        const pick = await vscode.window.showQuickPick(
          active.map((t) => ({ label: t.process.runId ?? basename(t.configFile), description: t.process.status, t })),
          { placeHolder: 'Stop which run?' },
        );
        target = pick?.t;
      }
    }
    if (target) await runs.stop(target);
  });

  reg('vsml.evaluate', async (arg?: unknown) => {
    if (!(await requireTrust())) return;
    const run = await pickRun(arg, tree.allRuns(), (r) => r.state !== 'unknown', 'Evaluate which run?');
    if (!run) return;
    const dataset = await vscode.window.showInputBox({
      title: `Evaluate ${run.runId}`,
      prompt: 'Dataset: a built-in name (mnist, fashion_mnist, random, sum, ...), idx:<folder>, images:<folder> or csv:<file>',
      value: 'mnist',
      validateInput: (v) => (v.trim() ? undefined : 'give a dataset name'),
    });
    if (!dataset) return;
    await evaluateRun(deps, run, dataset.trim());
  });

  reg('vsml.deleteRun', async (arg?: unknown) => {
    const run = await pickRun(arg, tree.allRuns(), (r) => r.state !== 'running', 'Delete which run?');
    if (!run) return;
    if (runs.list().some((t) => t.process.runDir === run.dir)) {
      void showWarning(`VS-ML: ${run.runId} is training; stop it first.`);
      return;
    }
    if (!(await mayActOn(run, 'not deleted', settings))) return;
    const ok = await confirmWarning(
      `Delete run ${run.runId}? Its metrics and checkpoints in ${run.dir} are removed.`, 'Delete');
    if (ok !== 'Delete') return;
    await rm(run.dir, { recursive: true, force: true });
    log.info('explorer', `deleted ${run.dir}`);
    tree.refreshSoon(0);
  });

  reg('vsml.revealConfig', async (arg?: unknown) => {
    const run = await pickRun(arg, tree.allRuns(), () => true, 'Reveal the config of which run?');
    if (!run) return;
    const file = run.configFile ?? (await sourceOfRun(run));
    // The source may have moved or been deleted; the resolved config of the run is always there.
    const target = file && (await exists(file)) ? file : join(run.dir, 'config.json');
    await vscode.window.showTextDocument(vscode.Uri.file(target));
  });

  // Reading a log runs nothing: allowed in Restricted Mode too.
  reg('vsml.openRunLog', (arg?: unknown) => openRunLog(arg, tree));

  reg('vsml.refresh', () => tree.refreshSoon(0));
}

/**
 * Writes a stop request into a run folder the explorer knows (never a `dir` an argument made up)
 * whose trainer is live; the trainer stops at its next step and the view follows its status.
 */
async function requestStop(node: Partial<RunNode>, deps: RunCommandDeps): Promise<void> {
  const run = deps.tree.allRuns().find((r) => r.dir === node.dir);
  if (!run) {
    void showWarning(`VS-ML: ${node.runId ?? node.dir} is not a run of this workspace.`);
    return;
  }
  if (!(await requireTrust())) return;
  const target = await stopTarget(run.dir);
  if ('refusal' in target) {
    void showInfo(`VS-ML: ${target.refusal}.`);
    return;
  }
  writeStopRequest(run.dir, requesterName('VS-ML Lab'));
  deps.log.info('stop', `stop requested for ${run.runId} (trainer: ${target.owner})`);
  void showInfo(`VS-ML: asked ${run.runId} to stop (trainer: ${target.owner}); it stops after its current meta-step.`);
}

/** A regular file at `file` (stat only: the source named by a run's config.json is not read here). */
async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function sourceOfRun(run: RunNode): Promise<string | undefined> {
  const source = ((await readRunConfig(run.dir)).config as { source?: unknown } | undefined)?.source;
  if (typeof source !== 'string') return undefined;
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.dir))?.uri.fsPath ?? '';
  return isAbsolute(source) ? source : join(root, source);
}
