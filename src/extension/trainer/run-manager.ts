/**
 * Starts and follows trainer processes for the editor: one TrainerProcess per run (several may
 * run at once), a cancellable progress notification each, one status-bar item for all, log lines
 * in the output channel, and the crash path (mark the run failed, show an error with "Open Output").
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { TrainerMessage } from '../../protocol/trainer';
import { Disposable } from '../dispose';
import { type Log, showErrorWithOutput } from '../output';
import { markRunFailed } from '../runs/mark-failed';
import { nodeFork } from './node-fork';
import { type ForkFn, type TrainerExit, TrainerProcess } from './trainer-process';
import { showInfo } from '../notify';
import { plainText } from '../plain-text';

export interface StartRequest {
  readonly configFile: string;
  readonly workspaceRoot: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Shown in the notification: "Training default" or "Resuming default-2026...". */
  readonly title: string;
}

export interface RunningTrainer {
  readonly key: number;
  readonly configFile: string;
  readonly process: TrainerProcess;
  lastProgress?: { step: number; totalSteps: number; metaLoss: number | null };
}

export class RunManager extends Disposable {
  private readonly running = new Map<number, RunningTrainer>();
  private nextKey = 1;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly messages = this.track(new vscode.EventEmitter<{ trainer: RunningTrainer; message: TrainerMessage }>());
  private readonly changes = this.track(new vscode.EventEmitter<void>());
  /** Every parsed trainer message (panels follow live runs through this). */
  readonly onDidMessage = this.messages.event;
  /** A trainer started, made progress in state, or exited: the explorer refreshes. */
  readonly onDidChangeRuns = this.changes.event;

  constructor(
    private readonly trainerPath: string,
    private readonly log: Log,
    private readonly forkFn: ForkFn = nodeFork,
  ) {
    super();
    this.statusBar = this.track(vscode.window.createStatusBarItem('vsml.runs', vscode.StatusBarAlignment.Left, 50));
    this.statusBar.name = 'VS-ML runs';
    this.statusBar.command = 'vsml.stop';
  }

  /** Run ids trained by this window right now (the explorer never calls them vanished). */
  ownedRunIds(): Set<string> {
    return new Set([...this.running.values()].map((t) => t.process.runId).filter((id): id is string => !!id));
  }

  list(): RunningTrainer[] {
    return [...this.running.values()];
  }

  start(req: StartRequest): RunningTrainer {
    const key = this.nextKey++;
    const component = `trainer ${key}`;
    const proc = new TrainerProcess({
      trainerPath: this.trainerPath,
      args: req.args,
      cwd: req.workspaceRoot,
      env: req.env,
      fork: this.forkFn,
      log: (level, line) => this.log[level](component, line),
      onMessage: (m) => this.onMessage(trainer, m, component),
    });
    const trainer: RunningTrainer = { key, configFile: req.configFile, process: proc };
    this.running.set(key, trainer);
    this.log.info(component, `node ${this.trainerPath} ${req.args.join(' ')}`);
    proc.start();
    this.updateStatusBar();
    this.changes.fire();
    void this.follow(trainer, req.title);
    void proc.exited.then((exit) => this.onExit(trainer, exit, component));
    return trainer;
  }

  /** Stops one trainer (checkpoint, then kill after the grace period). */
  stop(trainer: RunningTrainer): Promise<TrainerExit> {
    const exited = trainer.process.stop();
    this.updateStatusBar(); // shows `stopping`
    return exited;
  }

  /** Stops every trainer; deactivate awaits this. */
  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((t) => t.process.stop()));
  }

  private async follow(trainer: RunningTrainer, title: string): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: plainText(title), cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => void this.stop(trainer));
        let lastPct = 0;
        const sub = this.onDidMessage(({ trainer: t, message }) => {
          if (t !== trainer || message.type !== 'run/progress') return;
          const pct = message.totalSteps > 0 ? (100 * message.step) / message.totalSteps : 0;
          const loss = message.metaLoss === null ? 'n/a' : message.metaLoss.toFixed(4);
          const eta = message.etaSeconds === null ? '' : `, ~${Math.round(message.etaSeconds)} s left`;
          progress.report({ increment: Math.max(0, pct - lastPct), message: `step ${message.step}/${message.totalSteps}, meta-loss ${loss}${eta}` });
          lastPct = pct;
        });
        try {
          await trainer.process.exited;
        } finally {
          sub.dispose();
          cancel.dispose();
        }
      },
    );
  }

  private onMessage(trainer: RunningTrainer, m: TrainerMessage, component: string): void {
    switch (m.type) {
      case 'run/started':
        this.log.info(component, `run ${m.runId} started (${m.runner.path}/${m.runner.backend}, ${m.runner.threads} threads, ${m.totalSteps} steps) in ${m.runDir}`);
        this.changes.fire();
        break;
      case 'run/progress':
        trainer.lastProgress = { step: m.step, totalSteps: m.totalSteps, metaLoss: m.metaLoss };
        this.updateStatusBar();
        break;
      case 'log':
        this.log[m.level](component, m.message);
        break;
      case 'run/error':
        this.log.error(component, `${m.message}${m.path ? ` at ${m.path}` : ''}${m.fix ? ` (fix: ${m.fix})` : ''}`);
        break;
      case 'run/done':
        this.log.info(component, `run ${m.runId} ${m.state}`);
        break;
      case 'run/heartbeat':
      case 'metrics/append':
      case 'eval/append':
      case 'state/snapshot':
        break;
      default: {
        const unhandled: never = m;
        this.log.warn(component, `unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
    this.messages.fire({ trainer, message: m });
  }

  private async onExit(trainer: RunningTrainer, exit: TrainerExit, component: string): Promise<void> {
    this.running.delete(trainer.key);
    this.updateStatusBar();
    const name = trainer.process.runId ?? basename(trainer.configFile);
    if (exit.status === 'exited') {
      this.log.info(component, `trainer exited (${exit.done})`);
      this.changes.fire();
      void showInfo(`VS-ML: run ${name} ${exit.done}.`);
      return;
    }
    const reason = exit.reason ?? 'the trainer crashed';
    this.log.error(component, `trainer crashed: ${reason} (code ${exit.code}, signal ${exit.signal})`);
    if (trainer.process.runDir) {
      try {
        await markRunFailed(trainer.process.runDir, reason, { trusted: vscode.workspace.isTrusted });
      } catch (e) {
        this.log.error(component, `could not mark ${trainer.process.runDir} failed: ${(e as Error).message}`);
      }
    }
    this.changes.fire();
    await showErrorWithOutput(this.log, `VS-ML: run ${name} failed: ${reason}`);
  }

  private updateStatusBar(): void {
    const list = this.list();
    if (list.length === 0) {
      this.statusBar.hide();
      return;
    }
    const parts = list.map((t) => (t.lastProgress ? `${t.lastProgress.step}/${t.lastProgress.totalSteps}` : t.process.status));
    this.statusBar.text = `$(sync~spin) VS-ML ${list.length === 1 ? '' : `${list.length} runs `}${parts.join(', ')}`;
    this.statusBar.tooltip = list
      .map((t) => `${t.process.runId ?? basename(t.configFile)}: ${t.process.status}${t.lastProgress?.metaLoss != null ? `, meta-loss ${t.lastProgress.metaLoss.toFixed(4)}` : ''}`)
      .join('\n') + '\nClick to stop a run.';
    this.statusBar.show();
  }
}
