import { check } from '../errors';

/**
 * Everything that fixes the shape and the dynamics of a dense VSML network.
 * Names follow the fixtures' README (and through it the reference's config keys);
 * the experiment config maps onto this in src/engine/config/.
 */
export interface VsmlModelConfig {
  /** The learner (src/engine/learners/learner-config.ts); absent means VSML, as in older checkpoints. */
  readonly type?: 'vsml';
  /** [A_0, ..., A_L]: input size, hidden sizes, number of classes. Layer l is A_l -> A_{l+1}. */
  readonly layerSizes: readonly number[];
  /** N: LSTM state size of one sub-RNN (`model.sub_rnn.slow_size`). */
  readonly slowSize: number;
  /** M: message size (`model.sub_rnn.msg_size`). */
  readonly msgSize: number;
  /** Cell updates per layer call; all use the same incoming messages. */
  readonly numMicroTicks: number;
  /** logits = tanh(logits / b) * b when b != 0. */
  readonly tanhBound: number;
  /** Which forward-message channel of the last layer is the logit. */
  readonly outputIdx: number;
  /** Feed the one-hot label on backward channel 1 of the last layer. */
  readonly feedLabel: boolean;
  /** Layer norm on both message projections. */
  readonly layerNorm: boolean;
  /** Run a reverse tick after each forward tick. */
  readonly backwardPass: boolean;
  /** Fraction of the c channels drawn at random at episode start. */
  readonly initRandProportion: number;
  /** Param set used by layer l in the forward tick. `layerwise_rnns=false` gives [0,0,...]. */
  readonly layerParamIndex: readonly number[];
  /** Param set used by layer l in the reverse tick (only with backwardPass). */
  readonly backwardLayerParamIndex: readonly number[];
  /** Examples per inner step; >1 merges the first N/2 state channels across the batch. */
  readonly batchSize: number;
}

export const numLayers = (cfg: VsmlModelConfig): number => cfg.layerSizes.length - 1;
export const numClasses = (cfg: VsmlModelConfig): number => cfg.layerSizes[cfg.layerSizes.length - 1];
export const inputSize = (cfg: VsmlModelConfig): number => cfg.layerSizes[0];

/** Number of distinct sub-RNN parameter sets the config refers to. */
export function numParamSets(cfg: VsmlModelConfig): number {
  const used = cfg.backwardPass ? [...cfg.layerParamIndex, ...cfg.backwardLayerParamIndex] : [...cfg.layerParamIndex];
  return Math.max(...used) + 1;
}

/** Builds the per-layer index arrays from the reference's two switches. */
export function paramIndices(
  nLayers: number,
  layerwiseRnns: boolean,
  separateBackwardRnn: boolean,
): { layerParamIndex: number[]; backwardLayerParamIndex: number[] } {
  const fwd = Array.from({ length: nLayers }, (_, l) => (layerwiseRnns ? l : 0));
  const offset = layerwiseRnns ? nLayers : 1;
  const bwd = separateBackwardRnn ? fwd.map((i) => i + offset) : [...fwd];
  return { layerParamIndex: fwd, backwardLayerParamIndex: bwd };
}

const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/**
 * Checks the invariants the math needs; throws EngineError naming the field and the fix.
 * Paths use the experiment config's names so the user can find the field.
 */
export function validateModelConfig(cfg: VsmlModelConfig): void {
  check(Array.isArray(cfg.layerSizes) && cfg.layerSizes.length >= 2, 'model.layer_sizes',
    `needs at least an input and an output size, got ${JSON.stringify(cfg.layerSizes)}`,
    'give [input_size, ..., num_classes]');
  cfg.layerSizes.forEach((a, i) =>
    check(isPosInt(a), `model.layer_sizes[${i}]`, `must be a positive integer, got ${a}`, 'use a whole number >= 1'));
  check(isPosInt(cfg.slowSize), 'model.sub_rnn.slow_size', `must be a positive integer, got ${cfg.slowSize}`, 'use e.g. 16');
  check(isPosInt(cfg.msgSize), 'model.sub_rnn.msg_size', `must be a positive integer, got ${cfg.msgSize}`, 'use e.g. 8');
  check(cfg.msgSize >= 2, 'model.sub_rnn.msg_size',
    `is ${cfg.msgSize}, but the last layer's backward message carries the error (channel 0) and the label (channel 1)`,
    'use msg_size >= 2');
  check(isPosInt(cfg.numMicroTicks), 'model.vsml_rnn.num_micro_ticks', `must be a positive integer, got ${cfg.numMicroTicks}`, 'use e.g. 2');
  check(Number.isInteger(cfg.outputIdx) && cfg.outputIdx >= 0 && cfg.outputIdx < cfg.msgSize, 'model.vsml_rnn.output_idx',
    `is ${cfg.outputIdx}, outside the forward message of size ${cfg.msgSize}`, `use an index in [0, ${cfg.msgSize - 1}]`);
  check(Number.isFinite(cfg.tanhBound) && cfg.tanhBound >= 0, 'model.vsml_rnn.tanh_bound',
    `must be a finite number >= 0, got ${cfg.tanhBound}`, 'use 0 to disable the bound');
  check(Number.isFinite(cfg.initRandProportion) && cfg.initRandProportion >= 0 && cfg.initRandProportion <= 1,
    'model.sub_rnn.init_rand_proportion', `must be in [0, 1], got ${cfg.initRandProportion}`, 'use e.g. 0.2');
  check(isPosInt(cfg.batchSize), 'training.batch_size', `must be a positive integer, got ${cfg.batchSize}`, 'use 1 for online learning');
  const L = numLayers(cfg);
  for (const [name, idx] of [['layer_param_index', cfg.layerParamIndex], ['backward_layer_param_index', cfg.backwardLayerParamIndex]] as const) {
    check(Array.isArray(idx) && idx.length === L, `model.vsml_rnn.${name}`,
      `must have one entry per layer (${L}), got ${JSON.stringify(idx)}`, 'derive it from layerwise_rnns / separate_backward_rnn');
    idx.forEach((v, i) => check(Number.isInteger(v) && v >= 0, `model.vsml_rnn.${name}[${i}]`, `must be an integer >= 0, got ${v}`, 'use 0'));
  }
}
