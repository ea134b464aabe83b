import { EngineError } from '../errors';
import { DatasetCatalog, classesFor, datasetFacts, inputSizeFor } from './dataset-facts';
import { ExperimentConfig, trainingDatasets } from './types';

/**
 * Work of a run in cell-ticks: one update of one sub-RNN cell (one LSTM step of one weight
 * position, for one example of one rollout). This is the unit `npm run bench` measures
 * (A x B x rollouts x micro ticks x steps / s), so cost / speed = seconds.
 */
export interface CostEstimate {
  /** [A_0, ..., A_L] of the meta-training network. */
  readonly layerSizes: readonly number[];
  /** Σ_l A_l·A_{l+1}: sub-RNN cells in the network. */
  readonly cellsPerNetwork: number;
  /** Cell updates per cell and inner step: num_micro_ticks, doubled by backward_pass (the reverse tick runs as many). */
  readonly ticksPerInnerStep: number;
  /** ES: 2 x population_size (both members of every antithetic pair); backprop: meta_batch_size. */
  readonly rolloutsPerStep: number;
  /** cells x ticks x episode_length x batch_size (a whole episode, also with truncation). */
  readonly cellTicksPerEpisode: number;
  /** One meta-step: rolloutsPerStep x cellTicksPerEpisode. */
  readonly cellTicksPerStep: number;
  /** One evaluation of the learned algorithm: Σ over evaluation datasets of count x eval episode. */
  readonly cellTicksPerEvaluation: number;
  /** Evaluations in a run, as src/engine/runs/run-experiment.ts does them: before step 1, every evaluation.frequency steps, and at the end. */
  readonly evaluations: number;
  /** iterations x step + (evaluations + 1) x evaluation (the +1 is the untrained algorithm, evaluated once). SGD/Adam baselines are not counted. */
  readonly cellTicksTotal: number;
}

export interface DatasetShape {
  readonly inputSize: number;
  readonly numClasses: number;
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

/**
 * Cell-ticks per meta-step, per evaluation and per run, for the meta-training input size and
 * number of outputs; `evalShape` gives other shapes for evaluation datasets (default: the same).
 */
export function estimateCost(
  cfg: ExperimentConfig,
  inputSize: number,
  numClasses: number,
  evalShape?: (name: string) => DatasetShape | undefined,
): CostEstimate {
  for (const [name, v] of [['inputSize', inputSize], ['numClasses', numClasses]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new EngineError('', `estimateCost: ${name} must be a positive integer, got ${v}`, 'pass the preprocessed input size and the number of outputs');
  }
  const vr = cfg.model.vsml_rnn;
  const ticksPerInnerStep = vr.num_micro_ticks * (vr.backward_pass ? 2 : 1);
  const layerSizes = layerSizesFor(cfg, { inputSize, numClasses });
  const cellsPerNetwork = cellsOf(layerSizes);
  const t = cfg.training;
  const cellTicksPerEpisode = cellsPerNetwork * ticksPerInnerStep * t.episode_length * t.batch_size;
  // ES runs both members of every antithetic pair; backprop runs (forward, then backward) its meta-batch.
  const rolloutsPerStep = cfg.optimizer.type === 'backprop' ? cfg.optimizer.meta_batch_size : 2 * t.population_size;
  // Truncated / persistent ES runs a slice of K steps of every episode per meta-step; backprop's
  // truncated BPTT still runs every step of its episodes.
  const K = cfg.optimizer.type === 'backprop' ? 0 : cfg.optimizer.truncation;
  const cellTicksPerStep = rolloutsPerStep * (K > 0 ? (cellTicksPerEpisode / t.episode_length) * Math.min(K, t.episode_length) : cellTicksPerEpisode);

  const ev = cfg.evaluation;
  let cellTicksPerEvaluation = 0;
  for (const name of ev.datasets) {
    const shape = evalShape?.(name) ?? { inputSize, numClasses };
    const steps = (ev.lengths ?? [ev.episode_length]).reduce((x, y) => x + y, 0);
    cellTicksPerEvaluation += ev.count * cellsOf(layerSizesFor(cfg, shape)) * ticksPerInnerStep * steps * ev.batch_size;
  }
  const evaluations = ev.datasets.length > 0 ? 1 + Math.floor((t.iterations - 1) / ev.frequency) + 1 : 0;
  const cellTicksTotal = t.iterations * cellTicksPerStep + (evaluations + (evaluations > 0 ? 1 : 0)) * cellTicksPerEvaluation;
  return { layerSizes, cellsPerNetwork, ticksPerInnerStep, rolloutsPerStep, cellTicksPerEpisode, cellTicksPerStep, cellTicksPerEvaluation, evaluations, cellTicksTotal };
}

export interface SecondsEstimate {
  readonly perStep: number;
  readonly perEvaluation: number;
  readonly total: number;
}

/** Wall-clock estimate from a measured speed (cell-ticks per second, e.g. from `npm run bench`). */
export function estimateSeconds(cost: CostEstimate, cellTicksPerSecond: number): SecondsEstimate {
  if (!(cellTicksPerSecond > 0) || !Number.isFinite(cellTicksPerSecond)) {
    throw new EngineError('', `estimateSeconds: speed must be a positive number of cell-ticks per second, got ${cellTicksPerSecond}`, 'measure it with `npm run bench`');
  }
  return {
    perStep: cost.cellTicksPerStep / cellTicksPerSecond,
    perEvaluation: cost.cellTicksPerEvaluation / cellTicksPerSecond,
    total: cost.cellTicksTotal / cellTicksPerSecond,
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

/** estimateCost with shapes inferred from the config (first meta-training dataset); undefined when unknown. */
export function estimateConfigCost(cfg: ExperimentConfig, catalog?: DatasetCatalog): CostEstimate | undefined {
  const names = trainingDatasets(cfg);
  const shapes = names.map((n) => datasetShape(cfg, n, catalog));
  if (shapes.some((s) => s === undefined)) return undefined;
  const numClasses = Math.max(...shapes.map((s) => s!.numClasses));
  return estimateCost(cfg, shapes[0]!.inputSize, numClasses, (n) => {
    const s = datasetShape(cfg, n, catalog);
    return s && { inputSize: s.inputSize, numClasses: Math.max(s.numClasses, numClasses) };
  });
}
