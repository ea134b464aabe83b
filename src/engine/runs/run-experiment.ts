import { EngineError } from '../errors';
import { learnerLayout } from '../learners/learner-layout';
import { isVsml } from '../learners/learner-config';
import { RolloutRunner } from '../model/rollout-runner';
import { PairEvaluator } from '../meta/es-step';
import { createMetaOptimizer } from '../meta/create-meta-optimizer';
import type { MetaOptimizer } from '../meta/meta-optimizer';
import { evalEpisodes, evaluateVsml, EvalEpisode, methodResult, untrainedTheta } from '../eval/evaluate';
import { CHECKPOINT_VERSION, checkpointLayout } from './checkpoint';
import { ExperimentPlan, EvalDataset } from './experiment-plan';
import type { EvalRow, EvalMethodResult, MetricsRow, RunnerInfo, RunState } from '../../protocol/run-records';
import { RunFolder } from './run-folder';
import { recordSnapshot, StateSnapshot } from './snapshot';
import { type Here, thisMachine } from './liveness';
import { LOCK_FILE, RunLock } from './run-lock';
import { StopRequested, stopPoint } from '../stop';
import { initialTheta } from './initial-theta';
import { collectProvenance, withProvenance } from './provenance';

/** How often the trainer looks for a stop request while inside a meta-step or an evaluation (it also looks at every step boundary). */
export const STOP_REQUEST_POLL_MS = 1000;

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
  /**
   * Aborting stops at the next step boundary (or between evaluation datasets and baseline-tuning
   * trials), checkpoints and marks the run `stopped`. A stop request in the run folder
   * (stop-request.ts) does the same, whoever wrote it.
   */
  signal?: AbortSignal;
  /** Whole-episode ES: where the pairs are evaluated instead of `runner` (a cluster coordinator); evaluations stay on `runner`. */
  pairs?: PairEvaluator;
  /** The machine judging a run.lock found in a resumed run (tests pass a fake one). */
  here?: Here;
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
  const optimizer = createMetaOptimizer(plan.optimizer, { runner, model: plan.model, train: plan.train, seed: plan.seed, size: learnerLayout(plan.model).size, pairs: opts.pairs, log: (level, m) => ev.log?.(level, m) });
  try {
    return await trainWith(opts, optimizer);
  } finally {
    await optimizer.dispose?.(); // its worker threads, whether the run finished, stopped or failed
  }
}

async function trainWith(opts: ExperimentOptions, optimizer: MetaOptimizer): Promise<ExperimentOutcome> {
  const { plan, runner } = opts;
  const ev = opts.events ?? {};
  const layout = learnerLayout(plan.model);

  let run: RunFolder;
  let theta!: Float64Array;
  let startStep = 1;
  let elapsedBefore = 0;
  const here = opts.here ?? thisMachine();
  const provenance = await collectProvenance({
    configFile: plan.source,
    runner: { ...runnerInfo(runner), precision: runner.precision },
    datasets: plan.datasetFingerprints,
    warn: (m) => ev.log?.('warn', m),
    host: here.host,
  });
  const takeLock = (r: RunFolder): RunLock => RunLock.acquire(r.file(LOCK_FILE), here, process.pid, (m) => ev.log?.('warn', m));
  let lock: RunLock;
  // Set once the run folder is ours (below); closeQuietly may run before that.
  let stopPoll: NodeJS.Timeout | undefined;
  let forwardAbort: (() => void) | undefined;
  if (opts.resumeDir) {
    run = RunFolder.open(opts.resumeDir);
    // Before anything is read or written: a live trainer on this run refuses us here.
    lock = takeLock(run);
    try {
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
    } catch (e) {
      closeQuietly(); // a failing release must not hide why the resume was refused
      throw e;
    }
  } else {
    // A clone named by init_from may be trained first; it writes its own run folder.
    const init = await initialTheta(plan, { runner, runsDir: opts.runsDir, signal: opts.signal, log: (m) => ev.log?.('info', m) });
    run = RunFolder.create(opts.runsDir, plan.name, withProvenance(plan.resolvedConfig, provenance));
    lock = takeLock(run);
    theta = init.theta;
    if (init.from) ev.log?.('info', `V_M starts from ${init.from}`);
  }

  // One signal for both ways of asking to stop: the caller's (SIGINT, the editor's IPC) and a
  // stop request file in the run folder. A request left by an earlier trainer (killed before it
  // could remove it) is not addressed to this one.
  const stopper = new AbortController();
  const signal = stopper.signal;
  forwardAbort = (): void => stopper.abort();
  if (opts.signal?.aborted) stopper.abort();
  else opts.signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    if (run.clearStopRequest()) ev.log?.('info', 'removed a stop request left by an earlier trainer of this run');
  } catch (e) {
    closeQuietly();
    throw e;
  }
  const lookForStopRequest = (): void => {
    if (signal.aborted) return;
    let request;
    try {
      request = run.stopRequest();
    } catch (e) {
      ev.log?.('warn', `could not read the stop request: ${(e as Error).message}`);
      return;
    }
    if (!request) return;
    const message = `stop requested by ${request.by}${request.requestedAt ? ` at ${request.requestedAt}` : ''}`;
    ev.log?.('info', message);
    try {
      run.appendLog('info', message);
    } catch {
      // the log line is a courtesy; stopping is what was asked
    }
    stopper.abort();
  };
  stopPoll = setInterval(lookForStopRequest, STOP_REQUEST_POLL_MS);
  stopPoll.unref();

  const t0 = Date.now();
  const elapsed = (): number => elapsedBefore + (Date.now() - t0) / 1000;
  const now = (): string => new Date().toISOString();
  const prev = run.readStatus();
  let lockError: Error | undefined;
  lock.startHeartbeat((e) => {
    lockError = e;
    ev.log?.('error', `could not write the heartbeat of ${lock.file}: ${e.message}`);
  });
  try {
    run.writeStatus({
      state: 'running',
      runId: run.runId,
      name: plan.name,
      source: plan.source,
      pid: process.pid,
      host: here.host,
      ...(here.bootId ? { bootId: here.bootId } : {}),
      startedAt: prev?.startedAt ?? now(),
      updatedAt: now(),
      step: startStep - 1,
      totalSteps: plan.iterations,
      elapsedSeconds: elapsed(),
      runner: runnerInfo(runner),
      best: prev?.best,
      provenance,
    });
  } catch (e) {
    closeQuietly();
    throw e;
  }
  // From here on the folder says `running`: whatever fails marks it `failed` with the reason (both catches below).
  let step = startStep - 1;
  let best = prev?.best;
  const markFailed = (e: unknown): void => {
    const msg = e instanceof Error ? e.message : String(e);
    try {
      run.updateStatus({ state: 'failed', step, elapsedSeconds: elapsed(), endedAt: now(), error: msg, best });
      run.appendLog('error', `failed at step ${step}: ${e instanceof Error && !(e instanceof EngineError) ? (e.stack ?? msg) : msg}`);
    } catch (markError) {
      // the first error is the one to report; this one only goes to the log
      ev.log?.('error', `could not mark the run failed: ${markError instanceof Error ? markError.message : String(markError)}`);
    } finally {
      closeQuietly();
    }
  };
  try {
    ev.started?.({ runId: run.runId, runDir: run.dir, runner: runnerInfo(runner), totalSteps: plan.iterations, resumedFromStep: opts.resumeDir ? startStep - 1 : undefined });
    const runnerLine = `runner ${runner.name} (${runner.backend}, ${runner.threads} thread${runner.threads === 1 ? '' : 's'}), θ has ${layout.size} parameters`;
    ev.log?.('info', runnerLine);
    run.appendLog('info', `${opts.resumeDir ? `resumed after step ${startStep - 1}` : 'started'} on ${provenance.host} (pid ${process.pid}, Node ${provenance.node}, VS-ML Lab ${provenance.lab.version}${provenance.lab.commit ? ` at ${provenance.lab.commit.slice(0, 12)}${provenance.lab.dirty ? ' with local changes' : ''}` : ''}): ${runnerLine}`);
    for (const n of plan.runnerNotes ?? []) run.appendLog(n.level, n.message); // the caller showed them when it made the runner
    for (const w of plan.warnings ?? []) {
      run.appendLog('warn', w);
      ev.log?.('warn', w);
    }
  } catch (e) {
    markFailed(e);
    throw e;
  }

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
      layout: checkpointLayout(plan.model),
      theta,
      optimizer: { type: 'adam', state: state.adam },
      metaOptimizer: { type: optimizer.type, extra: state.extra },
      rng: { seed: plan.seed, step },
    });
  };

  // The untrained LA, the evaluation episodes and the baselines do not change during a run.
  const evalModelFor = (ds: EvalDataset) => ds.model ?? plan.model;
  let untrained: Float64Array | undefined; // made at the first evaluation, inside the try below
  const episodeCache = new Map<string, EvalEpisode[]>();
  const fixedCache = new Map<string, Partial<Record<'untrained' | 'sgd' | 'adam', EvalMethodResult>>>();

  const lengths = plan.evaluation.lengths ?? [plan.evaluation.spec.length];
  // Episodes and fixed results are per (dataset, length); the first length keeps the bare key.
  const cacheKey = (ds: EvalDataset, length: number): string => (length === lengths[0] ? ds.key : `${ds.key}@${length}`);
  const evaluate = async (step: number): Promise<EvalRow[]> => {
    const rows: EvalRow[] = [];
    for (const { ds, length } of plan.evaluation.datasets.flatMap((ds) => lengths.map((length) => ({ ds, length })))) {
      await stopPoint(signal);
      const evalModel = evalModelFor(ds);
      const key = cacheKey(ds, length);
      let episodes = episodeCache.get(key);
      if (!episodes) {
        episodes = evalEpisodes(evalModel, ds.sample, { ...plan.evaluation.spec, length }, ds.key);
        episodeCache.set(key, episodes);
      }
      let fixed = fixedCache.get(key);
      if (!fixed) {
        untrained ??= untrainedTheta(plan.model, plan.evaluation.spec.seed, plan.init);
        fixed = { untrained: methodResult(await evaluateVsml(runner, evalModel, untrained, episodes)) };
        await stopPoint(signal);
        if (plan.baselines) Object.assign(fixed, await plan.baselines(ds, episodes, signal));
        fixedCache.set(key, fixed);
      }
      const learned = methodResult(await evaluateVsml(runner, evalModel, theta, episodes));
      const row: EvalRow = {
        step,
        time: elapsed(),
        dataset: ds.key,
        split: plan.evaluation.split ?? 'test',
        length,
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
    const snapModel = snapDs && evalModelFor(snapDs);
    // The graph panel's snapshot shows VSML's cell states; the baselines have no such grid.
    if (snapDs && snapModel && isVsml(snapModel)) {
      const snap = recordSnapshot(snapModel, theta, episodeCache.get(snapDs.key)![0], step, snapDs.key);
      run.writeSnapshot(snap);
      ev.snapshot?.(snap);
    }
    return rows;
  };

  let lastEval: EvalRow[] = [];
  let lastStatus = 0;
  let stepSecondsSum = 0;
  const statusInterval = (plan.statusInterval ?? 1) * 1000;
  try {
    if (startStep === 1 && plan.evaluation.frequency > 0) lastEval = await evaluate(0);
    for (step = startStep; step <= plan.iterations; step++) {
      lookForStopRequest();
      if (signal.aborted) {
        step -= 1;
        break;
      }
      if (lock.lost) throw new EngineError('', lock.lost, 'only one trainer may write a run; start a new run instead', run.dir);
      if (lockError) throw lockError;
      // A synchronous runner never yields; let pending I/O (IPC to the editor, signals) through between steps.
      await new Promise<void>((r) => setImmediate(r));
      const ts = Date.now();
      let r: Awaited<ReturnType<typeof optimizer.step>>;
      try {
        r = await optimizer.step(theta, step, signal);
      } catch (e) {
        if (e instanceof StopRequested) step -= 1; // the step did not happen: the checkpoint is of the one before
        throw e;
      }
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
    let finished = step >= plan.iterations;
    if (finished) {
      step = plan.iterations;
      try {
        lastEval = await evaluate(step);
      } catch (e) {
        if (!(e instanceof StopRequested)) throw e;
        finished = false; // stopped during the last evaluation: θ is final, the evaluation is not
      }
    }
    return end(finished ? 'finished' : 'stopped');
  } catch (e) {
    // Stopped inside an evaluation or baseline tuning: θ of `step` is whole, keep it.
    if (e instanceof StopRequested) return end('stopped');
    markFailed(e);
    throw e;
  }

  function end(state: 'finished' | 'stopped'): ExperimentOutcome {
    try {
      checkpoint(step);
      run.updateStatus({ state, step, elapsedSeconds: elapsed(), endedAt: now(), best });
      run.appendLog('info', `${state} at step ${step} of ${plan.iterations} after ${elapsed().toFixed(1)} s${best ? `; best ${best.metric} ${best.value} at step ${best.step}` : ''}`);
    } finally {
      closeQuietly();
    }
    return { runDir: run.dir, runId: run.runId, state, step, theta, lastEval };
  }

  function closeQuietly(): void {
    if (stopPoll) clearInterval(stopPoll);
    if (forwardAbort) opts.signal?.removeEventListener('abort', forwardAbort);
    try {
      // A request is addressed to this trainer: once it ends, whether stopped, finished or failed, it is answered.
      run.clearStopRequest();
    } catch (e) {
      ev.log?.('warn', `could not remove the stop request of ${run.dir}: ${(e as Error).message}`);
    }
    run.close();
    try {
      lock.release();
    } catch (e) {
      ev.log?.('warn', `could not remove ${lock.file}: ${(e as Error).message}`);
    }
  }
}

export type { EvalDataset };
