import { EngineError } from '../errors';
import { Rng } from '../random';
import { initParams } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { RolloutRunner } from '../model/rollout-runner';
import { createMetaOptimizer } from '../meta/create-meta-optimizer';
import { evalEpisodes, evaluateVsml, EvalEpisode, methodResult, untrainedTheta } from '../eval/evaluate';
import { CHECKPOINT_VERSION } from './checkpoint';
import { ExperimentPlan, EvalDataset } from './experiment-plan';
import { EvalRow, MethodResult, MetricsRow, RunnerInfo, RunState } from './records';
import { RunFolder } from './run-folder';
import { recordSnapshot, StateSnapshot } from './snapshot';

/** What the loop reports while it runs; the CLI draws a progress bar, the trainer process forwards them. */
export interface ExperimentEvents {
  started(info: { runId: string; runDir: string; runner: RunnerInfo; totalSteps: number; resumedFromStep?: number }): void;
  progress(p: { runId: string; step: number; totalSteps: number; metaLoss: number; etaSeconds: number }): void;
  metrics(row: MetricsRow): void;
  evaluation(rows: EvalRow[]): void;
  snapshot(s: StateSnapshot): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface ExperimentOptions {
  plan: ExperimentPlan;
  runner: RolloutRunner;
  /** Folder holding run folders (`.vsml/runs`). */
  runsDir: string;
  /** Continue this run folder from its latest checkpoint instead of starting a new one. */
  resumeDir?: string;
  /** Aborting stops at the next step boundary, checkpoints and marks the run `stopped`. */
  signal?: AbortSignal;
  events?: Partial<ExperimentEvents>;
}

export interface ExperimentOutcome {
  runDir: string;
  runId: string;
  state: Exclude<RunState, 'running' | 'failed'>;
  step: number;
  theta: Float64Array;
  lastEval: EvalRow[];
}

const runnerInfo = (r: RolloutRunner): RunnerInfo => ({ path: r.name, backend: r.backend, threads: r.threads });

/**
 * Meta-trains a VSML learning algorithm with the plan's meta-optimizer and writes the run folder as it goes.
 * Every `evaluation.frequency` steps (and at the end) it evaluates the learned LA, the
 * untrained LA and the baselines on held-out episodes. Failures mark the run `failed` with the
 * reason before rethrowing, so no run folder is left claiming to be `running`.
 */
export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentOutcome> {
  const { plan, runner } = opts;
  const ev = opts.events ?? {};
  const layout = paramLayout(plan.model);

  let run: RunFolder;
  let theta: Float64Array;
  const optimizer = createMetaOptimizer(plan.optimizer, { runner, model: plan.model, train: plan.train, seed: plan.seed, size: layout.size, log: (level, m) => ev.log?.(level, m) });
  let startStep = 1;
  let elapsedBefore = 0;
  if (opts.resumeDir) {
    run = RunFolder.open(opts.resumeDir);
    const ckpt = run.latestCheckpoint();
    if (!ckpt) throw new EngineError('', 'has no readable checkpoint to resume from', 'start a new run with `vsml train <config>`', opts.resumeDir);
    if (ckpt.layout.size !== layout.size)
      throw new EngineError('model', `the checkpoint holds ${ckpt.layout.size} parameters, this config needs ${layout.size}`, 'resume with the run\'s own config.json', opts.resumeDir);
    const ckptType = ckpt.metaOptimizer?.type ?? 'es';
    if (ckptType !== optimizer.type)
      throw new EngineError('optimizer.type', `is "${optimizer.type}" but the checkpoint was written by "${ckptType}"`, 'resume with the run\'s own config.json', opts.resumeDir);
    theta = ckpt.theta;
    optimizer.restore({ adam: ckpt.optimizer.state, extra: ckpt.metaOptimizer?.extra }, opts.resumeDir);
    startStep = ckpt.step + 1;
    run.truncateAfter(ckpt.step);
    elapsedBefore = run.readStatus()?.elapsedSeconds ?? 0;
  } else {
    run = RunFolder.create(opts.runsDir, plan.name, plan.resolvedConfig);
    theta = initParams(plan.model, new Rng(plan.seed, 'meta-init'), plan.init);
  }

  const t0 = Date.now();
  const elapsed = (): number => elapsedBefore + (Date.now() - t0) / 1000;
  const now = (): string => new Date().toISOString();
  const prev = run.readStatus();
  run.writeStatus({
    state: 'running',
    runId: run.runId,
    name: plan.name,
    source: plan.source,
    pid: process.pid,
    startedAt: prev?.startedAt ?? now(),
    updatedAt: now(),
    step: startStep - 1,
    totalSteps: plan.iterations,
    elapsedSeconds: elapsed(),
    runner: runnerInfo(runner),
    best: prev?.best,
  });
  ev.started?.({ runId: run.runId, runDir: run.dir, runner: runnerInfo(runner), totalSteps: plan.iterations, resumedFromStep: opts.resumeDir ? startStep - 1 : undefined });
  ev.log?.('info', `runner ${runner.name} (${runner.backend}, ${runner.threads} thread${runner.threads === 1 ? '' : 's'}), θ has ${layout.size} parameters`);

  const checkpoint = (step: number): void => {
    const state = optimizer.state();
    run.saveCheckpoint({
      format: 'vsml-checkpoint',
      version: CHECKPOINT_VERSION,
      step,
      runId: run.runId,
      model: (plan.resolvedConfig as { model?: unknown })?.model ?? plan.model,
      modelConfig: plan.model,
      config: plan.resolvedConfig,
      layout: { numSets: layout.numSets, setSize: layout.setSize, size: layout.size },
      theta,
      optimizer: { type: 'adam', state: state.adam },
      metaOptimizer: { type: optimizer.type, extra: state.extra },
      rng: { seed: plan.seed, step },
    });
  };

  // The untrained LA, the evaluation episodes and the baselines do not change during a run.
  const evalModelFor = (ds: EvalDataset) => ds.model ?? plan.model;
  const untrained = untrainedTheta(plan.model, plan.evaluation.spec.seed, plan.init);
  const episodeCache = new Map<string, EvalEpisode[]>();
  const fixedCache = new Map<string, Partial<Record<'untrained' | 'sgd' | 'adam', MethodResult>>>();
  let best = prev?.best;

  const evaluate = async (step: number): Promise<EvalRow[]> => {
    const rows: EvalRow[] = [];
    for (const ds of plan.evaluation.datasets) {
      const evalModel = evalModelFor(ds);
      let episodes = episodeCache.get(ds.key);
      if (!episodes) {
        episodes = evalEpisodes(evalModel, ds.sample, plan.evaluation.spec, ds.key);
        episodeCache.set(ds.key, episodes);
      }
      let fixed = fixedCache.get(ds.key);
      if (!fixed) {
        fixed = { untrained: methodResult(await evaluateVsml(runner, evalModel, untrained, episodes)) };
        if (plan.baselines) Object.assign(fixed, await plan.baselines(ds, episodes));
        fixedCache.set(ds.key, fixed);
      }
      const learned = methodResult(await evaluateVsml(runner, evalModel, theta, episodes));
      const row: EvalRow = {
        step,
        time: elapsed(),
        dataset: ds.key,
        split: plan.evaluation.split ?? 'test',
        length: plan.evaluation.spec.length,
        episodes: plan.evaluation.spec.episodes,
        methods: { learned, ...fixed },
      };
      run.appendEval(row);
      rows.push(row);
    }
    const first = rows[0];
    if (first?.methods.learned && (!best || first.methods.learned.meanAccuracy > best.value))
      best = { metric: `eval/${first.dataset}/learned/meanAccuracy`, value: first.methods.learned.meanAccuracy, step };
    ev.evaluation?.(rows);
    const snapDs = plan.evaluation.datasets[0];
    if (snapDs) {
      const snap = recordSnapshot(evalModelFor(snapDs), theta, episodeCache.get(snapDs.key)![0], step, snapDs.key);
      run.writeSnapshot(snap);
      ev.snapshot?.(snap);
    }
    return rows;
  };

  let step = startStep - 1;
  let lastEval: EvalRow[] = [];
  let lastStatus = 0;
  let stepSecondsSum = 0;
  const statusInterval = (plan.statusInterval ?? 1) * 1000;
  try {
    if (startStep === 1 && plan.evaluation.frequency > 0) lastEval = await evaluate(0);
    for (step = startStep; step <= plan.iterations; step++) {
      if (opts.signal?.aborted) {
        step -= 1;
        break;
      }
      // A synchronous runner never yields; let pending I/O (IPC to the editor, signals) through between steps.
      await new Promise<void>((r) => setImmediate(r));
      const ts = Date.now();
      const r = await optimizer.step(theta, step, opts.signal);
      if (!Number.isFinite(r.metaLoss) || !Number.isFinite(r.thetaNorm))
        throw new EngineError('optimizer.lr', `meta-training diverged at step ${step} (meta-loss ${r.metaLoss})`, 'lower optimizer.lr or optimizer.noise_std, or turn on optimizer.clip_gradnorm');
      const row: MetricsRow = { step, time: elapsed(), ...r, stepSeconds: (Date.now() - ts) / 1000 };
      run.appendMetrics(row);
      ev.metrics?.(row);
      // ETA from the meta-steps alone: the first evaluation (baseline tuning) would inflate it.
      stepSecondsSum += row.stepSeconds;
      const perStep = stepSecondsSum / (step - startStep + 1);
      const eta = perStep * (plan.iterations - step);
      ev.progress?.({ runId: run.runId, step, totalSteps: plan.iterations, metaLoss: r.metaLoss, etaSeconds: eta });
      if (plan.checkpointFrequency > 0 && step % plan.checkpointFrequency === 0) checkpoint(step);
      if (plan.evaluation.frequency > 0 && step % plan.evaluation.frequency === 0 && step !== plan.iterations) lastEval = await evaluate(step);
      if (Date.now() - lastStatus > statusInterval) {
        run.updateStatus({ step, elapsedSeconds: elapsed(), best });
        lastStatus = Date.now();
      }
    }
    const finished = step >= plan.iterations;
    if (finished) {
      step = plan.iterations;
      lastEval = await evaluate(step);
    }
    checkpoint(step);
    const state = finished ? 'finished' : 'stopped';
    run.updateStatus({ state, step, elapsedSeconds: elapsed(), endedAt: now(), best });
    run.close();
    return { runDir: run.dir, runId: run.runId, state, step, theta, lastEval };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    try {
      run.updateStatus({ state: 'failed', step, elapsedSeconds: elapsed(), endedAt: now(), error: msg, best });
    } finally {
      run.close();
    }
    throw e;
  }
}

export type { EvalDataset };
