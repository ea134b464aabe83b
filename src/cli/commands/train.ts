import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runExperiment } from '../../engine/runs/run-experiment';
import { planExperiment } from '../../engine/runs/plan-experiment';
import { parseEnginePath, RunnerChoice, TfjsBackendChoice } from '../../engine/runner/create-runner';
import { ExperimentConfig } from '../../engine/config/types';
import { ProgressBar, formatDuration } from '../progress-bar';
import { formatEvalTable } from '../format-table';
import { trainingConfig } from '../load-experiment';
import { checkSweepName } from '../../engine/sweep/sweep-file';
import type { SweepTag } from '../../protocol/sweep-record';
import { openTrainingEngine } from '../open-training-engine';

export const TRAIN_USAGE = `vsml train <config.vsml.json> [--set path=value ...] [--resume <run-folder>] [--runs-dir DIR]
           [--path auto|fused|tfjs|reference] [--backend auto|tensorflow|wasm|cpu] [--threads N] [--sweep NAME]
           [--cluster redis://HOST:PORT]
  Meta-trains the experiment with its optimizer.type (es: evolution strategies; backprop: gradients
  through the unrolled episodes) into <runs-dir>/<run-id>/ (default .vsml/runs),
  shows progress (meta-step, loss, ETA), and prints the final evaluation table.
  --set training.population_size=128 overrides one config value. --resume continues a run from its
  latest checkpoint (the config then comes from the run folder). --sweep NAME (set by vsml sweep)
  records the sweep and the --set overrides in a new run's config.json, for vsml runs --sweep NAME.
  --cluster (or engine.cluster) runs each meta-step's ES pairs on the \`vsml worker\` processes of that
  Redis queue; evaluations run here.`;

/** CLI flags win over the config's `engine` section. */
export function runnerChoice(cfg: ExperimentConfig, flags: { path?: string; backend?: string; threads?: string }): RunnerChoice {
  return {
    path: flags.path ? parseEnginePath(flags.path, '--path') : cfg.engine.path,
    backend: (flags.backend ?? cfg.engine.backend) as TfjsBackendChoice,
    threads: flags.threads !== undefined ? Number(flags.threads) : cfg.engine.threads,
  };
}

/** The resolved config a new run records, tagged with its sweep (docs/contracts.md §1) when a sweep started it. */
function withSweepTag(resolvedConfig: unknown, sweep: string | undefined, sets: readonly string[]): unknown {
  if (sweep === undefined) return resolvedConfig;
  checkSweepName(sweep);
  const tag: SweepTag = { name: sweep, sets: [...sets] };
  return { ...(resolvedConfig as object), sweep: tag };
}

export async function trainCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true, default: [] },
      resume: { type: 'string' },
      'runs-dir': { type: 'string', default: '.vsml/runs' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      sweep: { type: 'string' },
      cluster: { type: 'string' },
    },
  });
  if (positionals.length > 1 || (positionals.length === 0 && !values.resume)) {
    out(`${TRAIN_USAGE}\n`);
    return 2;
  }
  const warn = (s: string): void => void process.stderr.write(s);
  const loadWarnings: string[] = []; // also recorded in the run's trainer.log
  const { config: cfg, source } = await trainingConfig(positionals[0], values.set!, values.resume, (s) => {
    warn(s);
    loadWarnings.push(s.trim());
  });
  // --backend and --threads also pick the backend and the threads of backprop's gradients (engine.backend, engine.threads), as they do the runner's.
  const choice = runnerChoice(cfg, values);
  const planned = planExperiment(values.backend || values.threads !== undefined ? { ...cfg, engine: { ...cfg.engine, backend: choice.backend, threads: choice.threads } } : cfg, source);
  const logLine = (level: 'info' | 'warn' | 'error', m: string): void => warn(`${level === 'info' ? '' : `${level}: `}${m}\n`);
  const { runner, runnerNotes, cluster } = await openTrainingEngine(cfg, choice, planned.model, values.cluster, {
    runnerNote: (n) => warn(`${n.level === 'warn' ? 'warning: ' : ''}${n.message}\n`),
    clusterLog: logLine,
  });
  const plan = { ...planned, warnings: loadWarnings, runnerNotes, resolvedConfig: values.resume ? planned.resolvedConfig : withSweepTag(planned.resolvedConfig, values.sweep, values.set!) };
  const bar = new ProgressBar();
  const ac = new AbortController();
  const onSignal = (): void => {
    warn('\nstopping at the next meta-step or evaluation boundary (checkpointing); press Ctrl-C again to abort at once\n');
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastAcc = '';
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
          if (cluster) cluster.runId = s.runId; // names the run in the workers' logs
          warn(`run ${s.runId} in ${s.runDir}\nrunner ${s.runner.path} (backend ${s.runner.backend}, ${s.runner.threads} threads)${cluster ? ', ES pairs on the cluster' : ''}${s.resumedFromStep !== undefined ? `, resuming after step ${s.resumedFromStep}` : ''}\n`);
        },
        progress: (p) => bar.update(p.step, p.totalSteps, p.metaLoss, p.etaSeconds, lastAcc),
        evaluation: (rows) => {
          const r = rows[0];
          if (r?.methods.learned) lastAcc = `${r.dataset} acc ${(100 * r.methods.learned.meanAccuracy).toFixed(1)}%`;
        },
        log: logLine,
      },
    });
    bar.done();
    out(`\n${outcome.state === 'finished' ? 'Finished' : 'Stopped'} at meta-step ${outcome.step} (${formatDuration(process.uptime())}). Run folder: ${outcome.runDir}\n`);
    if (outcome.lastEval.length > 0) out(`\nEvaluation at meta-step ${outcome.lastEval[0].step} (mean online accuracy over T inner steps, K held-out episodes):\n${formatEvalTable(outcome.lastEval)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cluster?.close();
    await runner.dispose();
  }
}
