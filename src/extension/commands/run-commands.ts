/**
 * The run commands: train, resume, stop, evaluate, delete a run, reveal its config.
 * Each resolves its target (clicked node, active editor, or a pick) and delegates to the
 * RunManager; training commands need a trusted workspace.
 */
import { fork } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { Log } from '../output';
import { showErrorWithOutput } from '../output';
import type { RunManager } from '../trainer/run-manager';
import type { ExperimentsTree } from '../tree/experiments-tree';
import type { RunNode } from '../tree/tree-model';
import { requireTrust } from '../trust';
import { type VsmlSettings, trainerArgs, trainerEnv } from '../settings';
import { pickConfigFile, pickRun } from './pick';

export interface RunCommandDeps {
  readonly runs: RunManager;
  readonly tree: ExperimentsTree;
  readonly log: Log;
  readonly settings: () => VsmlSettings;
  /** Absolute path of the bundled CLI (dist/cli.js), for `vsml eval`. */
  readonly cliPath: string;
  /** Errors the editor currently shows for a config file (training refuses to start on those). */
  readonly configErrors: (uri: vscode.Uri) => readonly vscode.Diagnostic[];
}

function workspaceRootOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? join(uri.fsPath, '..');
}

export function registerRunCommands(context: vscode.ExtensionContext, deps: RunCommandDeps): void {
  const { runs, tree, log, settings } = deps;
  const reg = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  reg('vsml.train', async (arg?: unknown) => {
    if (!(await requireTrust())) return;
    const uri = await pickConfigFile(arg, tree.configFiles());
    if (!uri) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    const errors = deps.configErrors(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    if (errors.length > 0) {
      const choice = await vscode.window.showErrorMessage(
        `VS-ML: ${basename(uri.fsPath)} has ${errors.length} error(s): ${errors[0].message}`, 'Show Problems');
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    const root = workspaceRootOf(uri);
    runs.start({
      configFile: uri.fsPath,
      workspaceRoot: root,
      args: trainerArgs(uri.fsPath, settings(), root),
      env: trainerEnv(process.env, settings(), root),
      title: `VS-ML: training ${basename(uri.fsPath, '.vsml.json')}`,
    });
  });

  reg('vsml.resume', async (arg?: unknown) => {
    if (!(await requireTrust())) return;
    const run = await pickRun(arg, tree.allRuns(), (r) => r.contextValue.endsWith('.resumable'), 'Resume which stopped or failed run?');
    if (!run) return;
    const source = run.configFile ?? (await sourceOfRun(run));
    if (!source) {
      void vscode.window.showErrorMessage(`VS-ML: ${run.runId} does not name its config file (config.json has no "source").`);
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
      void vscode.window.showWarningMessage(`VS-ML: ${node.runId} is not being trained by this window.`);
      return;
    }
    if (!target) {
      if (active.length === 0) {
        void vscode.window.showInformationMessage('VS-ML: no run is training.');
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
      void vscode.window.showWarningMessage(`VS-ML: ${run.runId} is training; stop it first.`);
      return;
    }
    const ok = await vscode.window.showWarningMessage(
      `Delete run ${run.runId}? Its metrics and checkpoints in ${run.dir} are removed.`, { modal: true }, 'Delete');
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

  reg('vsml.refresh', () => tree.refreshSoon(0));
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

async function sourceOfRun(run: RunNode): Promise<string | undefined> {
  try {
    const cfg = JSON.parse(await readFile(join(run.dir, 'config.json'), 'utf8')) as { source?: unknown };
    if (typeof cfg.source !== 'string') return undefined;
    const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.dir))?.uri.fsPath ?? '';
    return cfg.source.startsWith('/') ? cfg.source : join(root, cfg.source);
  } catch {
    return undefined;
  }
}

/** Runs `vsml eval <run> --dataset D --json` in a child process and shows the table it returns. */
async function evaluateRun(deps: RunCommandDeps, run: RunNode, dataset: string): Promise<void> {
  const { log } = deps;
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.dir))?.uri.fsPath ?? run.dir;
  const args = ['eval', run.dir, '--dataset', dataset, '--json'];
  log.info('eval', `node ${deps.cliPath} ${args.join(' ')}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `VS-ML: evaluating ${run.runId} on ${dataset}`, cancellable: true },
    (_progress, token) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = fork(deps.cliPath, args, { cwd: root, env: trainerEnv(process.env, deps.settings(), root), execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
        let stdout = '';
        child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        child.stderr?.on('data', (d: Buffer) => d.toString('utf8').split('\n').filter((l) => l.trim()).forEach((l) => log.warn('eval', l)));
        token.onCancellationRequested(() => child.kill('SIGTERM'));
        child.on('error', (e) => log.error('eval', e.message));
        child.on('exit', (code) => resolve({ code, stdout }));
      }),
  );
  if (result.code !== 0) {
    await showErrorWithOutput(log, `VS-ML: evaluation of ${run.runId} on ${dataset} failed (exit code ${result.code}).`);
    return;
  }
  log.info('eval', result.stdout.trim());
  try {
    // `--json` prints one object per dataset, one per line.
    const rows = result.stdout.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as {
      dataset?: string; methods?: Record<string, { meanAccuracy?: number }>;
    });
    if (rows.length === 0) throw new Error('no JSON line');
    const summary = rows.map((row) => `${row.dataset ?? dataset}: ` + Object.entries(row.methods ?? {})
      .map(([m, r]) => `${m} ${typeof r.meanAccuracy === 'number' ? (100 * r.meanAccuracy).toFixed(1) : '?'}%`)
      .join(', ')).join('; ');
    const choice = await vscode.window.showInformationMessage(`VS-ML ${run.runId}, mean online accuracy — ${summary}`, 'Open Output');
    if (choice) log.show();
  } catch {
    log.warn('eval', 'the CLI did not print JSON; see the lines above');
  }
}
