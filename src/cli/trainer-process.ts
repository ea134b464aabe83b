/**
 * The training child process the extension forks (bundled to dist/trainer.js):
 *   node dist/trainer.js <config-file> --runs-dir DIR [--resume RUN_DIR] [--set k=v ...] [--cluster URL]
 * (the extension passes the cluster URL as VSML_CLUSTER instead: it may hold a password)
 * It runs the same engine as `vsml train` and reports over the IPC channel with the typed
 * messages of src/protocol/trainer.ts. `run/stop` (or the parent going away) checkpoints and
 * exits; a crash is reported as `run/error` and the run folder is marked `failed` by the engine.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EngineError } from '../engine/errors';
import { runExperiment } from '../engine/runs/run-experiment';
import { planExperiment } from '../engine/runs/plan-experiment';
import { openTrainingEngine } from './open-training-engine';
import type { MetricsRow } from '../protocol/run-records';
import { parseHostMessage, TrainerMessage } from '../protocol/trainer';
import { HEARTBEAT_INTERVAL_MS } from '../engine/runs/liveness';
import { ConfigErrors, trainingConfig } from './load-experiment';
import { runnerChoice } from './commands/train';
import { crashLine, debugEnabled, writeCrashLog } from './crash-log';

/** Messages handed to the channel but not yet written; the process must not disconnect before they are. */
let inFlight = 0;
let drained: (() => void) | undefined;
const send = (m: TrainerMessage): void => {
  if (process.send && process.connected) {
    inFlight++;
    process.send(m, (err: Error | null) => {
      inFlight--;
      if (err) process.stderr.write(`trainer: could not send ${m.type}: ${err.message}\n`);
      if (inFlight === 0) drained?.();
    });
  } else if (m.type === 'log' || m.type === 'run/error') process.stderr.write(`${m.type === 'log' ? m.level : 'error'}: ${m.message}\n`);
};
const log = (level: 'info' | 'warn' | 'error', message: string): void => send({ type: 'log', level, message });

/** Batches metrics rows so very fast steps do not flood the channel. */
class MetricsBuffer {
  private rows: MetricsRow[] = [];
  private last = 0;
  constructor(private readonly runId: () => string, private readonly everyMs = 250) {}
  push(row: MetricsRow): void {
    this.rows.push(row);
    if (Date.now() - this.last >= this.everyMs) this.flush();
  }
  flush(): void {
    if (this.rows.length === 0) return;
    send({ type: 'metrics/append', runId: this.runId(), rows: this.rows });
    this.rows = [];
    this.last = Date.now();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { 'runs-dir': { type: 'string', default: '.vsml/runs' }, resume: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, cluster: { type: 'string' } },
  });
  const ac = new AbortController();
  process.on('message', (raw) => {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      log('warn', `ignored a malformed message from the host: ${parsed.error}`);
      return;
    }
    switch (parsed.message.type) {
      case 'run/stop':
        log('info', 'stop requested: finishing this meta-step (or evaluation trial) and checkpointing');
        ac.abort();
        break;
      default: {
        const never: never = parsed.message.type;
        log('warn', `unhandled host message ${String(never)}`);
      }
    }
  });
  // If the editor goes away, stop cleanly rather than train unobserved forever.
  process.on('disconnect', () => ac.abort());
  process.on('SIGTERM', () => ac.abort());

  let runId = '';
  const loadWarnings: string[] = []; // also recorded in the run's trainer.log
  const warn = (s: string): void => {
    log('warn', s.trim());
    loadWarnings.push(s.trim());
  };
  const { config: cfg, source } = await trainingConfig(positionals[0], values.set!, values.resume, warn);
  const planned = planExperiment(cfg, source);
  const { runner, runnerNotes, cluster } = await openTrainingEngine(cfg, runnerChoice(cfg, {}), planned.model, values.cluster ?? process.env['VSML_CLUSTER'], {
    runnerNote: (n) => log(n.level, n.message),
    clusterLog: log,
  });
  const plan = { ...planned, warnings: loadWarnings, runnerNotes };
  const metrics = new MetricsBuffer(() => runId);
  let lastSnapshot = 0;
  let lastProgress = 0;
  // Tells the host we are alive between progress messages (evaluations, checkpointing on stop): its
  // stop grace period is extended on every message. A timer, so it stops when the event loop is stuck.
  const heartbeat = setInterval(() => {
    if (runId) send({ type: 'run/heartbeat', runId });
  }, Math.min(HEARTBEAT_INTERVAL_MS, 2_000));
  heartbeat.unref();
  try {
    const outcome = await runExperiment({
      plan,
      runner,
      runsDir: resolve(values['runs-dir']!),
      resumeDir: values.resume ? resolve(values.resume) : undefined,
      signal: ac.signal,
      pairs: cluster,
      events: {
        started: (s) => {
          runId = s.runId;
          if (cluster) cluster.runId = s.runId;
          send({ type: 'run/started', runId: s.runId, runDir: s.runDir, runner: s.runner, totalSteps: s.totalSteps });
        },
        progress: (p) => {
          if (Date.now() - lastProgress < 200 && p.step !== p.totalSteps) return;
          lastProgress = Date.now();
          send({ type: 'run/progress', runId: p.runId, step: p.step, totalSteps: p.totalSteps, metaLoss: p.metaLoss, etaSeconds: p.etaSeconds });
        },
        metrics: (row) => metrics.push(row),
        evaluation: (rows) => {
          metrics.flush();
          send({ type: 'eval/append', runId, rows });
        },
        snapshot: (snapshot) => {
          if (Date.now() - lastSnapshot < 1000) return;
          lastSnapshot = Date.now();
          send({ type: 'state/snapshot', runId, snapshot });
        },
        log,
      },
    });
    metrics.flush();
    send({ type: 'run/done', runId: outcome.runId, state: outcome.state });
    return 0;
  } finally {
    clearInterval(heartbeat);
    await cluster?.close();
    await runner.dispose();
  }
}

const reportError = (e: unknown): void => {
  if (e instanceof EngineError) send({ type: 'run/error', message: e.rawMessage(), path: e.path || undefined, fix: e.fix || undefined });
  else if (e instanceof ConfigErrors) {
    const first = e.issues[0];
    send({ type: 'run/error', message: e.message, path: first?.path || undefined, fix: first?.fix || undefined });
  } else {
    // a bug, not bad input: one readable line; the stack goes to a log file (or into the message with VSML_DEBUG=1)
    send({ type: 'run/error', message: debugEnabled() && e instanceof Error ? (e.stack ?? e.message) : `the trainer crashed: ${crashLine(e, writeCrashLog(e, 'trainer'))}` });
  }
};

/** Waits until every queued message is written, then closes the channel so the process can exit. */
async function closeChannel(): Promise<void> {
  if (inFlight > 0) await new Promise<void>((r) => (drained = r));
  if (process.connected) process.disconnect();
}

main().then(
  async (code) => {
    process.exitCode = code;
    await closeChannel();
  },
  async (e) => {
    reportError(e);
    process.exitCode = 1;
    await closeChannel();
  },
);
