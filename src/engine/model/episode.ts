import { check } from '../errors';
import { VsmlModelConfig, numClasses, numLayers, inputSize } from './config';
import { LayerState } from './init';

/**
 * One episode of online learning for one rollout. `inputs` is [T, batch, A_0] and `labels`
 * [T, batch]; the network predicts example t before it sees label t.
 */
export interface Episode {
  readonly length: number;
  readonly inputs: Float64Array | Float32Array;
  readonly labels: Int32Array;
}

/** What a forward pass over an episode returns. Arrays are [T, batch, ...]. */
export interface EpisodeResult {
  logits: Float64Array; // [T, batch, A_L]
  ce: Float64Array; // [T, batch]
  correct: Uint8Array; // [T, batch]
  /** Per layer, [batch, A_l, B_l, N]. */
  finalState: LayerState[];
}

/** Checks an episode and initial state against the config before any backend touches them. */
export function checkEpisode(cfg: VsmlModelConfig, episode: Episode, state: readonly LayerState[], thetaLength: number, expectedTheta: number): void {
  const T = episode.length;
  const bs = cfg.batchSize;
  check(Number.isInteger(T) && T > 0, 'episode.length', `must be a positive integer, got ${T}`, 'use at least one step');
  check(episode.inputs.length === T * bs * inputSize(cfg), 'episode.inputs',
    `must be [T=${T}, batch=${bs}, A_0=${inputSize(cfg)}] (${T * bs * inputSize(cfg)} numbers), got ${episode.inputs.length}`,
    'reshape the inputs to the model input size');
  check(episode.labels.length === T * bs, 'episode.labels', `must be [T=${T}, batch=${bs}], got ${episode.labels.length} labels`, 'give one label per example');
  const C = numClasses(cfg);
  for (let i = 0; i < episode.labels.length; i++) {
    const y = episode.labels[i];
    check(Number.isInteger(y) && y >= 0 && y < C, `episode.labels[${i}]`, `is ${y}, outside [0, ${C})`, `use a class index below ${C} or raise the output size`);
  }
  for (let i = 0; i < episode.inputs.length; i++) {
    if (!Number.isFinite(episode.inputs[i])) {
      check(false, `episode.inputs[${i}]`, `is ${episode.inputs[i]}`, 'remove NaN/Infinity from the data');
    }
  }
  check(thetaLength === expectedTheta, 'theta', `must hold ${expectedTheta} numbers for this model, got ${thetaLength}`, 'use a checkpoint made for the same model sizes');
  check(state.length === numLayers(cfg), 'state', `must have one entry per layer (${numLayers(cfg)}), got ${state.length}`, 'build it with initialState()');
  for (let l = 0; l < state.length; l++) {
    const n = bs * cfg.layerSizes[l] * cfg.layerSizes[l + 1] * cfg.slowSize;
    check(state[l].h.length === n && state[l].c.length === n, `state[${l}]`,
      `h and c must be [${bs}, ${cfg.layerSizes[l]}, ${cfg.layerSizes[l + 1]}, ${cfg.slowSize}] (${n}), got ${state[l].h.length} and ${state[l].c.length}`,
      'build it with initialState() for this model');
  }
}

/** Non-finite parameters make every output NaN silently; refuse them up front. */
export function checkParams(theta: ArrayLike<number>): void {
  for (let i = 0; i < theta.length; i++) {
    if (!Number.isFinite(theta[i])) check(false, `theta[${i}]`, `is ${theta[i]}`, 'the parameters diverged or the checkpoint is corrupt; restart from an earlier checkpoint');
  }
}

/** Stacks one state draw across the batch, as the reference does (all members start equal). */
export function broadcastState(state: readonly LayerState[], batchSize: number): LayerState[] {
  return state.map(({ h, c }) => {
    const hb = new Float64Array(h.length * batchSize);
    const cb = new Float64Array(c.length * batchSize);
    for (let b = 0; b < batchSize; b++) {
      hb.set(h, b * h.length);
      cb.set(c, b * c.length);
    }
    return { h: hb, c: cb };
  });
}
