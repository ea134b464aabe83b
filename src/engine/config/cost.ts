import { EngineError } from '../errors';
import type { BaselineLearnerConfig } from '../learners/learner-config';
import { multiplyAddsPerInnerStep } from '../learners/learner-work';
import { DatasetCatalog, classesFor, datasetFacts, inputSizeFor } from './dataset-facts';
import { taskConfig } from './task-config';
import { toLearnerConfig } from './to-learner-config';
import { ExperimentConfig, trainingDatasets } from './types';

/**
 * What a unit of work is. VSML: a cell-tick, one update of one sub-RNN cell (one LSTM step of one
 * weight position, for one example of one rollout), the unit `npm run bench` measures
 * (A x B x rollouts x micro ticks x steps / s). The baselines (MetaRNN, HebbianFW, FWMemory): the
 * multiply-adds of their matrix products (learners/learner-work.ts). work / speed = seconds.
 */
export type WorkUnit = 'cell-ticks' | 'multiply-adds';

/**
 * Whose speed prices a piece of work: VSML's forward episodes (ES, evaluations), VSML's
 * forward+backward on the kernel reverse pass or on TensorFlow.js autodiff (backprop; its
 * cell-ticks are the forward cell-ticks of the episodes it differentiates), or one baseline.
 */
export type SpeedKind = 'vsml' | 'vsml-backprop-native' | 'vsml-backprop-tfjs' | 'metarnn' | 'hebbian' | 'fwm';

export const UNIT_OF: Readonly<Record<SpeedKind, WorkUnit>> = {
  vsml: 'cell-ticks', 'vsml-backprop-native': 'cell-ticks', 'vsml-backprop-tfjs': 'cell-ticks',
  metarnn: 'multiply-adds', hebbian: 'multiply-adds', fwm: 'multiply-adds',
};

/** One network size a meta-step runs, with its share of the step's rollouts (a task mix runs several). */
export interface NetworkCost {
  /** VSML: [A_0, ..., A_L]; a baseline: [inputs, outputs]. */
  readonly layerSizes: readonly number[];
  /** Of the meta-step's rollouts, by the mixture's or the tasks' weights (Σ = 1). */
  readonly share: number;
  /** VSML: Σ_l A_l·A_{l+1} sub-RNN cells. */
  readonly cells?: number;
  /** Work of one inner step of one batch member: cells x ticks, or the baseline's multiply-adds. */
  readonly workPerInnerStep: number;
}

export interface CostEstimate {
  readonly modelType: ExperimentConfig['model']['type'];
  readonly unit: WorkUnit;
  /** Prices the meta-steps. */
  readonly stepKind: SpeedKind;
  /** Prices the evaluations (forward episodes of the learner). */
  readonly evalKind: SpeedKind;
  /** The meta-training networks; one unless a mixture or task list has several sizes. */
  readonly networks: readonly NetworkCost[];
  /** VSML: cell updates per cell and inner step, num_micro_ticks doubled by backward_pass (the reverse tick runs as many). */
  readonly ticksPerInnerStep?: number;
  /** Σ share x workPerInnerStep: the expected work of one inner step of one batch member. */
  readonly workPerInnerStep: number;
  /** The episode length T of a meta-step: training.episode_lengths' mean and range, else episode_length. */
  readonly episodeLength: { readonly mean: number; readonly min: number; readonly max: number };
  /** ES: 2 x population_size (both members of every antithetic pair); backprop: meta_batch_size (forward and backward each). */
  readonly rolloutsPerStep: number;
  /** Inner steps of each rollout a meta-step runs: T, or truncated / persistent ES's slice min(K, T). */
  readonly stepsPerRollout: number;
  /** Expected work of a whole episode (mean T) x batch_size. */
  readonly workPerEpisode: number;
  /** training.iterations: meta-steps in the run. */
  readonly iterations: number;
  /** Expected work of one meta-step: rollouts x steps per rollout x batch x workPerInnerStep. */
  readonly workPerStep: number;
  /** The meta-step's work at the shortest and the longest T of training.episode_lengths. */
  readonly workPerStepRange: { readonly min: number; readonly max: number };
  /** One evaluation of the learned algorithm: Σ over evaluation datasets of count x eval episode. */
  readonly workPerEvaluation: number;
  /** Evaluations in a run, as src/engine/runs/run-experiment.ts does them: before step 1, every evaluation.frequency steps, and at the end. */
  readonly evaluations: number;
  /** The part of workTotal spent in evaluations ((evaluations + 1) x evaluation, the +1 the untrained algorithm). */
  readonly evalWorkTotal: number;
  /** iterations x step + evalWorkTotal. SGD/Adam baselines are not counted. */
  readonly workTotal: number;
}

export interface DatasetShape {
  readonly inputSize: number;
  readonly numClasses: number;
}

/** A network size of the meta-training data and its share of the episodes. */
export interface TrainingPart {
  readonly shape: DatasetShape;
  readonly share: number;
}

export interface CostOptions {
  /** Whether the kernel reverse pass loads here (engine.gradient auto picks it then); default true (the addon is normally built). */
  readonly nativeGradient?: boolean;
}

function layerSizesFor(cfg: ExperimentConfig, shape: DatasetShape): number[] {
  const specs = cfg.model.vsml_rnn.layer_specs;
  const hidden = specs.slice(0, -1).map((s, i) => {
    if (s.out_size === undefined) {
      throw new EngineError(`model.vsml_rnn.layer_specs[${i}].out_size`, 'is missing on a layer that is not the last', 'add "out_size": <hidden units>');
    }
    return s.out_size;
  });
  return [shape.inputSize, ...hidden, shape.numClasses]; // [A_0, ..., A_L]
}

const cellsOf = (sizes: readonly number[]): number => sizes.slice(0, -1).reduce((n, a, l) => n + a * sizes[l + 1], 0);

/** Where backprop's gradients run: engine.gradient, with auto resolved as the optimizer does (native unless it cannot load or the model has layer norm). */
export function gradientPath(cfg: ExperimentConfig, nativeGradient = true): 'native' | 'tfjs' {
  const g = cfg.engine.gradient;
  if (g !== 'auto') return g;
  return nativeGradient && !cfg.model.sub_rnn.layer_norm ? 'native' : 'tfjs';
}

const BASELINE_KIND = { MetaRNN: 'metarnn', HebbianFW: 'hebbian', FWMemory: 'fwm' } as const;

/** The speed that prices a config's meta-steps and the one that prices its evaluations. */
export function speedKinds(cfg: ExperimentConfig, opts: CostOptions = {}): { step: SpeedKind; evaluation: SpeedKind } {
  if (cfg.model.type !== 'VSMLRNN') return { step: BASELINE_KIND[cfg.model.type], evaluation: BASELINE_KIND[cfg.model.type] };
  if (cfg.optimizer.type === 'backprop') return { step: `vsml-backprop-${gradientPath(cfg, opts.nativeGradient)}`, evaluation: 'vsml' };
  return { step: 'vsml', evaluation: 'vsml' };
}

/** Work of one inner step of one batch member of the network for `shape`, and its sizes. */
function networkWork(cfg: ExperimentConfig, shape: DatasetShape, batchSize: number): Omit<NetworkCost, 'share'> {
  if (cfg.model.type === 'VSMLRNN') {
    const vr = cfg.model.vsml_rnn;
    const layerSizes = layerSizesFor(cfg, shape);
    const cells = cellsOf(layerSizes);
    return { layerSizes, cells, workPerInnerStep: cells * vr.num_micro_ticks * (vr.backward_pass ? 2 : 1) };
  }
  const learner = toLearnerConfig(cfg, shape.numClasses, shape.inputSize, { batchSize }) as BaselineLearnerConfig;
  return { layerSizes: [shape.inputSize, shape.numClasses], workPerInnerStep: multiplyAddsPerInnerStep(learner) };
}

/** The training episode length: the mean and range of training.episode_lengths, else episode_length (truncated / persistent ES runs episode_length only). */
function trainingEpisodeLength(cfg: ExperimentConfig): CostEstimate['episodeLength'] {
  const t = cfg.training;
  const pes = cfg.optimizer.type === 'es' && cfg.optimizer.truncation > 0;
  const list = !pes && t.episode_lengths && t.episode_lengths.length > 0 ? t.episode_lengths : [t.episode_length];
  return { mean: list.reduce((a, b) => a + b, 0) / list.length, min: Math.min(...list), max: Math.max(...list) };
}

/**
 * Work per meta-step, per evaluation and per run, for meta-training data of the given network
 * sizes (`parts`: one per size with its share of the episodes; `runShape` the run's own network,
 * which fixed-size baselines keep for every part and evaluation); `evalShape` gives other shapes
 * for evaluation datasets (default: the run's).
 */
export function estimatePartsCost(
  cfg: ExperimentConfig,
  parts: readonly TrainingPart[],
  runShape: DatasetShape,
  evalShape?: (name: string) => DatasetShape | undefined,
  opts: CostOptions = {},
): CostEstimate {
  for (const s of [runShape, ...parts.map((p) => p.shape)]) {
    for (const [name, v] of [['inputSize', s.inputSize], ['numClasses', s.numClasses]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new EngineError('', `estimateCost: ${name} must be a positive integer, got ${v}`, 'pass the preprocessed input size and the number of outputs');
    }
  }
  const fixedSize = cfg.model.type !== 'VSMLRNN';
  const t = cfg.training;
  const totalShare = parts.reduce((a, p) => a + p.share, 0);
  const networks: NetworkCost[] = parts.map((p) => ({ ...networkWork(cfg, fixedSize ? runShape : p.shape, t.batch_size), share: p.share / totalShare }));
  const workPerInnerStep = networks.reduce((a, n) => a + n.share * n.workPerInnerStep, 0);
  const kinds = speedKinds(cfg, opts);
  const episodeLength = trainingEpisodeLength(cfg);
  const rolloutsPerStep = cfg.optimizer.type === 'backprop' ? cfg.optimizer.meta_batch_size : 2 * t.population_size;
  // Truncated / persistent ES runs a slice of K steps of every episode per meta-step; backprop's
  // truncated BPTT still runs (and differentiates) every step of its episodes.
  const K = cfg.optimizer.type === 'backprop' ? 0 : cfg.optimizer.truncation;
  const stepsFor = (T: number): number => (K > 0 ? Math.min(K, T) : T);
  const stepWork = (T: number): number => rolloutsPerStep * stepsFor(T) * t.batch_size * workPerInnerStep;
  // T enters linearly, so the mean T gives the expected step (with a slice, min(K, T) is averaged over the list).
  const lengths = K > 0 ? [t.episode_length] : t.episode_lengths && t.episode_lengths.length > 0 ? t.episode_lengths : [t.episode_length];
  const stepsPerRollout = lengths.reduce((a, T) => a + stepsFor(T), 0) / lengths.length;

  const ev = cfg.evaluation;
  const evalSteps = (ev.lengths ?? [ev.episode_length]).reduce((x, y) => x + y, 0);
  let workPerEvaluation = 0;
  for (const name of ev.datasets) {
    const shape = fixedSize ? runShape : evalShape?.(name) ?? runShape;
    workPerEvaluation += ev.count * networkWork(cfg, shape, ev.batch_size).workPerInnerStep * evalSteps * ev.batch_size;
  }
  const evaluations = ev.datasets.length > 0 ? 1 + Math.floor((t.iterations - 1) / ev.frequency) + 1 : 0;
  const workPerStep = rolloutsPerStep * stepsPerRollout * t.batch_size * workPerInnerStep;
  const evalWorkTotal = (evaluations + (evaluations > 0 ? 1 : 0)) * workPerEvaluation;
  const vr = cfg.model.vsml_rnn;
  return {
    modelType: cfg.model.type,
    unit: UNIT_OF[kinds.step],
    stepKind: kinds.step,
    evalKind: kinds.evaluation,
    networks,
    ...(fixedSize ? {} : { ticksPerInnerStep: vr.num_micro_ticks * (vr.backward_pass ? 2 : 1) }),
    workPerInnerStep,
    episodeLength,
    rolloutsPerStep,
    stepsPerRollout,
    workPerEpisode: workPerInnerStep * episodeLength.mean * t.batch_size,
    iterations: t.iterations,
    workPerStep,
    workPerStepRange: { min: stepWork(episodeLength.min), max: stepWork(episodeLength.max) },
    workPerEvaluation,
    evaluations,
    evalWorkTotal,
    workTotal: t.iterations * workPerStep + evalWorkTotal,
  };
}

/**
 * Work per meta-step, per evaluation and per run for one meta-training input size and number of
 * outputs; `evalShape` gives other shapes for evaluation datasets (default: the same).
 */
export function estimateCost(
  cfg: ExperimentConfig,
  inputSize: number,
  numClasses: number,
  evalShape?: (name: string) => DatasetShape | undefined,
  opts: CostOptions = {},
): CostEstimate {
  const shape = { inputSize, numClasses };
  return estimatePartsCost(cfg, [{ shape, share: 1 }], shape, evalShape, opts);
}

export interface SecondsEstimate {
  readonly perStep: number;
  readonly perEvaluation: number;
  readonly total: number;
}

/** Wall-clock estimate from measured speeds (work per second of the step's kind, and of the evaluations' kind; default the same). */
export function estimateSeconds(cost: CostEstimate, stepPerSecond: number, evalPerSecond = stepPerSecond): SecondsEstimate {
  for (const v of [stepPerSecond, evalPerSecond]) {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new EngineError('', `estimateSeconds: speed must be a positive amount of work per second, got ${v}`, 'measure it with `npm run bench`');
    }
  }
  return {
    perStep: cost.workPerStep / stepPerSecond,
    perEvaluation: cost.workPerEvaluation / evalPerSecond,
    total: (cost.iterations * cost.workPerStep) / stepPerSecond + cost.evalWorkTotal / evalPerSecond,
  };
}

/**
 * The shape a dataset gives the network without loading it (for editor hints): A_0 from the
 * image shape, resize and pad.input; the outputs from pad.output, the last layer's out_size,
 * or the classes. Undefined for datasets the catalog does not know.
 */
export function datasetShape(cfg: ExperimentConfig, name: string, catalog?: DatasetCatalog): DatasetShape | undefined {
  const facts = datasetFacts(name, cfg, catalog);
  if (!facts) return undefined;
  const specs = cfg.model.vsml_rnn.layer_specs;
  const numClasses = cfg.data.preprocess.pad.output?.[0] ?? specs[specs.length - 1]?.out_size ?? classesFor(cfg, facts);
  return { inputSize: inputSizeFor(cfg, facts), numClasses };
}

/** Weights as shares: `weights` when they fit (one per item, not all 0), else uniform (the semantic checks report a misfit). */
function shares(n: number, weights: readonly number[] | null | undefined): number[] {
  const w = weights && weights.length === n && weights.every((x) => x >= 0) && weights.some((x) => x > 0) ? weights : Array.from({ length: n }, () => 1);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/**
 * The network sizes of the meta-training data and their shares of the episodes: the datasets of
 * a mixture (training.dataset_weights), or with training.tasks each task (its weight) with its own
 * resize and classes, and its datasets. Equal sizes are merged. Undefined when a shape is unknown.
 */
export function trainingParts(cfg: ExperimentConfig, catalog?: DatasetCatalog): TrainingPart[] | undefined {
  const raw: TrainingPart[] = [];
  let unknown = false;
  const add = (c: ExperimentConfig, names: readonly string[], weights: readonly number[] | null, share: number): void => {
    shares(names.length, weights).forEach((s, i) => {
      const shape = datasetShape(c, names[i], catalog);
      if (!shape) unknown = true;
      else raw.push({ shape, share: share * s });
    });
  };
  const tasks = cfg.training.tasks;
  if (tasks && tasks.length > 0) {
    shares(tasks.length, tasks.map((t) => t.weight ?? 1)).forEach((s, i) => {
      const c = taskConfig(cfg, tasks[i]);
      if (tasks[i].dataset) add(c, [tasks[i].dataset!], null, s);
      else add(c, trainingDatasets(c), c.training.dataset_weights, s);
    });
  } else {
    add(cfg, trainingDatasets(cfg), cfg.training.dataset_weights, 1);
  }
  if (unknown || raw.length === 0) return undefined;
  const merged: TrainingPart[] = [];
  for (const p of raw) {
    const same = merged.findIndex((m) => m.shape.inputSize === p.shape.inputSize && m.shape.numClasses === p.shape.numClasses);
    if (same >= 0) merged[same] = { shape: p.shape, share: merged[same].share + p.share };
    else merged.push(p);
  }
  return merged;
}

/**
 * The network VSML evaluates a dataset on (plan-experiment.ts's vsmlEvalModel): the dataset's own
 * input size and its classes, or pad.output. Undefined for datasets the catalog does not know.
 */
export function evaluationShape(cfg: ExperimentConfig, name: string, catalog?: DatasetCatalog): DatasetShape | undefined {
  const facts = datasetFacts(name, cfg, catalog);
  if (!facts) return undefined;
  return { inputSize: inputSizeFor(cfg, facts), numClasses: cfg.data.preprocess.pad.output?.[0] ?? classesFor(cfg, facts) };
}

/**
 * estimatePartsCost with shapes inferred from the config: the meta-training parts, the run's
 * network (the first part's inputs, pad.output or the most classes), evaluation datasets on their
 * own sizes (evaluationShape). Undefined when a shape is unknown.
 */
export function estimateConfigCost(cfg: ExperimentConfig, catalog?: DatasetCatalog, opts: CostOptions = {}): CostEstimate | undefined {
  const parts = trainingParts(cfg, catalog);
  if (!parts) return undefined;
  const runShape = { inputSize: parts[0].shape.inputSize, numClasses: Math.max(...parts.map((p) => p.shape.numClasses)) };
  return estimatePartsCost(cfg, parts, runShape, (n) => evaluationShape(cfg, n, catalog), opts);
}
