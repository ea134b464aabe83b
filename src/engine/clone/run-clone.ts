import { EngineError } from '../errors';
import { Rng } from '../random';
import { ExperimentConfig } from '../config/types';
import { toModelConfig } from '../config/to-model-config';
import { openConfiguredDataset, openTrainingDataset } from '../data/from-config';
import { episodeSampler } from '../data/episodes';
import { initParams } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { RolloutRunner } from '../model/rollout-runner';
import { evalEpisodes, methodResult } from '../eval/evaluate';
import { selectTfjsBackend } from '../tfjs/backend';
import { CHECKPOINT_VERSION } from '../runs/checkpoint';
import { configDatasetFingerprints, vsmlEvalModel, numOutputsFor } from '../runs/plan-experiment';
import type { EvalRow } from '../../protocol/run-records';
import { RunFolder } from '../runs/run-folder';
import { collectProvenance, withProvenance } from '../runs/provenance';
import { recordSnapshot } from '../runs/snapshot';
import { cellRuleFromConfig, cloneConfigIssues } from './clone-config';
import { constructCloneTheta } from './construct';
import { cellStreams, targetScales } from './cell-streams';
import { cloneFidelity } from './clone-fidelity';
import { CloneLossTerms } from './clone-loss';
import { evaluateClone } from './evaluate-clone';
import { CloneStepRow, trainClone } from './train-clone';

export interface CloneEvents {
  started(info: { runId: string; runDir: string; totalSteps: number; backend: string }): void;
  step(row: CloneStepRow, etaSeconds: number): void;
  log(message: string): void;
}

export interface CloneOptions {
  config: ExperimentConfig;
  /** The .vsml.json it came from. */
  source: string;
  /** Runs the clone forward on the evaluation episodes (the fused kernel by default). */
  runner: RolloutRunner;
  runsDir: string;
  signal?: AbortSignal;
  events?: Partial<CloneEvents>;
}

export interface CloneOutcome {
  runDir: string;
  runId: string;
  /** Per evaluation dataset, the mean online accuracy of the clone and of its teacher. */
  datasets: Record<string, { clone: number; teacher: number }>;
  rows: EvalRow[];
  seconds: number;
  theta: Float64Array;
  /** Relative squared errors vs the teacher's rule on held-out cell streams, before and after cloning (clone-fidelity.ts). */
  fidelity: { before: CloneLossTerms; after: CloneLossTerms };
}

/**
 * `vsml clone`: clones the teacher's online backprop into V_M (train-clone.ts), then runs the
 * VSML network forward only with the clone beside the teacher on held-out episodes of every
 * evaluation dataset. Writes a normal run folder: config, metrics (one line per cloning update),
 * eval rows (`learned` = the clone, `teacher`), a snapshot and a checkpoint that `vsml eval`,
 * the panels and `optimizer.init_from` read like any other.
 */
export async function runClone(opts: CloneOptions): Promise<CloneOutcome> {
  const cfg = opts.config;
  const issues = cloneConfigIssues(cfg, opts.source);
  if (issues.length > 0) throw new EngineError(issues[0].path, issues[0].message, issues[0].fix, opts.source);
  const ev = opts.events ?? {};
  const t0 = Date.now();
  const seconds = (): number => (Date.now() - t0) / 1000;
  const numOutputs = numOutputsFor(cfg);
  const train = openTrainingDataset(cfg, numOutputs);
  const model = toModelConfig(cfg, numOutputs, train.inputSize);
  const rule = cellRuleFromConfig(cfg);
  const layout = paramLayout(model);
  const theta = cfg.clone.init === 'construct'
    ? constructCloneTheta(model, rule, cfg.clone.weight_channel)
    : initParams(model, new Rng(cfg.seed, 'meta-init'), { inputGateBias: cfg.model.sub_rnn.init_input_gate_bias });
  const tfjs = await selectTfjsBackend(cfg.engine.backend);

  const runner = { path: opts.runner.name, backend: opts.runner.backend, threads: opts.runner.threads };
  const provenance = await collectProvenance({
    configFile: opts.source, runner: { ...runner, precision: opts.runner.precision },
    datasets: () => configDatasetFingerprints(cfg), warn: (m) => ev.log?.(m),
  });
  const run = RunFolder.create(opts.runsDir, cfg.name, withProvenance({ ...cfg, source: opts.source, kind: 'clone' }, provenance));
  const now = (): string => new Date().toISOString();
  run.writeStatus({
    state: 'running', runId: run.runId, name: cfg.name, source: opts.source, pid: process.pid, startedAt: now(), updatedAt: now(),
    step: 0, totalSteps: cfg.clone.steps, elapsedSeconds: 0, runner, provenance,
  });
  ev.started?.({ runId: run.runId, runDir: run.dir, totalSteps: cfg.clone.steps, backend: tfjs.backend });
  ev.log?.(`cloning ${cfg.clone.teacher} online backprop into V_M (${layout.size} parameters) with TensorFlow.js (${tfjs.backend})`);
  // Held-out cell streams (other episodes, other initial weights) to report how closely the cell follows its teacher.
  const heldOut = cellStreams(model, rule, episodeSampler(train, 'train'), new Rng(cfg.seed, 'clone-held-out'),
    { cells: 128, length: cfg.clone.stream_length, weightChannel: cfg.clone.weight_channel, cellsPerEpisode: 16 });
  const fidelityOpts = { rule, weightChannel: cfg.clone.weight_channel, scales: targetScales(heldOut, rule) };
  const fidelityText = (f: CloneLossTerms): string =>
    `forward message ${(100 * f.fwd).toFixed(2)}%, backward message ${(100 * f.bwd).toFixed(2)}%, weight update ${(100 * f.du).toFixed(2)}%, other channels ${(100 * f.rest).toFixed(2)}%`;
  const fidelityBefore = cloneFidelity(model, theta, heldOut, fidelityOpts);
  ev.log?.(`relative squared error vs the teacher's rule on held-out streams at the start (${cfg.clone.init}): ${fidelityText(fidelityBefore)}`);
  let step = 0;
  try {
    let lastStatus = 0;
    let stepStart = Date.now();
    const result = await trainClone(model, theta, {
      rule,
      weightChannel: cfg.clone.weight_channel,
      steps: cfg.clone.steps,
      lr: cfg.clone.lr,
      cells: cfg.clone.cells,
      unroll: cfg.clone.unroll,
      streamLength: cfg.clone.stream_length,
      duWeight: cfg.clone.weight_loss,
      clipGradNorm: cfg.clone.clip_gradnorm,
      seed: cfg.seed,
      sample: episodeSampler(train, 'train'),
      signal: opts.signal,
      onStep: (r) => {
        step = r.step;
        const stepSeconds = (Date.now() - stepStart) / 1000;
        stepStart = Date.now();
        // The cloning loss goes where a meta-step's loss goes, so the metrics panel plots it.
        run.appendMetrics({ step: r.step, time: seconds(), metaLoss: r.loss, trainAccuracy: Number.NaN, gradNorm: r.gradNorm, thetaNorm: r.thetaNorm, stepSeconds });
        ev.step?.(r, (seconds() / r.step) * (cfg.clone.steps - r.step));
        if (Date.now() - lastStatus > 1000) {
          run.updateStatus({ step: r.step, elapsedSeconds: seconds() });
          lastStatus = Date.now();
        }
      },
    });
    const stopped = result.steps < cfg.clone.steps;
    const fidelity = cloneFidelity(model, theta, heldOut, fidelityOpts);
    ev.log?.(`relative squared error vs the teacher's rule on held-out streams after ${result.steps} updates: ${fidelityText(fidelity)}`);

    const rows: EvalRow[] = [];
    const datasets: CloneOutcome['datasets'] = {};
    const spec = { length: cfg.evaluation.episode_length, episodes: cfg.evaluation.count, seed: cfg.evaluation.seed };
    if (!stopped) {
      for (const name of cfg.evaluation.datasets) {
        const ds = openConfiguredDataset(cfg, name, numOutputs);
        const evalModel = vsmlEvalModel(cfg, ds);
        const episodes = evalEpisodes(evalModel, episodeSampler(ds, cfg.evaluation.subset), spec, name);
        const r = await evaluateClone(opts.runner, evalModel, theta, rule, cfg.clone.weight_channel, episodes);
        const row: EvalRow = {
          step, time: seconds(), dataset: name, split: cfg.evaluation.subset, length: spec.length, episodes: spec.episodes,
          methods: { learned: methodResult(r.clone), teacher: methodResult(r.teacher) },
        };
        run.appendEval(row);
        rows.push(row);
        datasets[name] = { clone: r.clone.meanAccuracy, teacher: r.teacher.meanAccuracy };
        if (rows.length === 1) run.writeSnapshot({ ...recordSnapshot(evalModel, theta, episodes[0], step, name), weightChannel: cfg.clone.weight_channel });
      }
    }
    run.saveCheckpoint({
      format: 'vsml-checkpoint', version: CHECKPOINT_VERSION, step, runId: run.runId,
      model: cfg.model, modelConfig: model, config: { ...cfg, source: opts.source },
      layout: { numSets: layout.numSets, setSize: layout.setSize, size: layout.size },
      theta, optimizer: { type: 'adam', state: result.adam }, metaOptimizer: { type: 'clone' }, rng: { seed: cfg.seed, step },
    });
    const first = rows[0];
    run.updateStatus({
      state: stopped ? 'stopped' : 'finished', step, elapsedSeconds: seconds(), endedAt: now(),
      best: first ? { metric: `eval/${first.dataset}/learned/meanAccuracy`, value: first.methods.learned!.meanAccuracy, step } : undefined,
    });
    run.close();
    return { runDir: run.dir, runId: run.runId, datasets, rows, seconds: seconds(), theta, fidelity: { before: fidelityBefore, after: fidelity } };
  } catch (e) {
    try {
      run.updateStatus({ state: 'failed', step, elapsedSeconds: seconds(), endedAt: now(), error: e instanceof Error ? e.message : String(e) });
    } finally {
      run.close();
    }
    throw e;
  }
}
