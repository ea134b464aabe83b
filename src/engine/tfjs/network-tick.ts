import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig, numLayers } from '../model/config';
import { denseLayer, LayerDims, LayerOps } from './dense-layer';
import { SubRnnTensors } from './sub-rnn-tensors';

/**
 * What one rollout carries from step to step (fixtures README, "Network tick and time loop"):
 * the LSTM states and the one-step-stale backward messages between layers. The forward
 * messages into layers > 0 are always produced fresh in the same tick, and the last layer's
 * backward input is built from the error by the caller, so neither is carried.
 */
export type NetState = {
  h: tf.Tensor2D[]; // per layer [batch*A_l*B_l, N]
  c: tf.Tensor2D[]; // per layer [batch*A_l*B_l, N]
  /** inBwd[l] for l < L-1: [batch, B_l, M], written by layer l+1 in the previous tick. */
  inBwd: tf.Tensor3D[];
};

export interface TickContext {
  cfg: VsmlModelConfig;
  /** Param sets of one rollout, indexed as cfg.layerParamIndex / backwardLayerParamIndex. */
  sets: SubRnnTensors[];
  ops: LayerOps;
}

export const layerDims = (cfg: VsmlModelConfig, l: number): LayerDims => ({
  batch: cfg.batchSize,
  nIn: cfg.layerSizes[l],
  nOut: cfg.layerSizes[l + 1],
  slowSize: cfg.slowSize,
  msgSize: cfg.msgSize,
  numMicroTicks: cfg.numMicroTicks,
});

/** Wraps host states ([batch, A_l, B_l, N] per layer) with zero stale messages, as at t = 0. */
export function initialNetState(cfg: VsmlModelConfig, state: readonly { h: ArrayLike<number>; c: ArrayLike<number> }[]): NetState {
  const L = numLayers(cfg);
  const N = cfg.slowSize;
  const rows = (l: number): number => cfg.batchSize * cfg.layerSizes[l] * cfg.layerSizes[l + 1];
  return {
    h: state.map((s, l) => tf.tensor2d(Float32Array.from(s.h), [rows(l), N])),
    c: state.map((s, l) => tf.tensor2d(Float32Array.from(s.c), [rows(l), N])),
    inBwd: Array.from({ length: L - 1 }, (_, l) => tf.zeros([cfg.batchSize, cfg.layerSizes[l + 1], cfg.msgSize]) as tf.Tensor3D),
  };
}

/**
 * The reference's `_merge_layer_states` for batch_size > 1: the first N/2 channels of h and
 * c of every cell become their mean over the batch members of the rollout.
 */
export function mergeBatch(cfg: VsmlModelConfig, s: NetState): NetState {
  const bs = cfg.batchSize;
  const N = cfg.slowSize;
  const half = Math.floor(N / 2);
  if (bs === 1 || half === 0) return s;
  const mask = tf.tensor1d(Array.from({ length: N }, (_, n) => (n < half ? 1 : 0))); // [N]
  const keep = tf.sub(1, mask); // [N]
  const merge = (x: tf.Tensor2D): tf.Tensor2D => {
    const x3 = tf.reshape(x, [bs, x.shape[0] / bs, N]); // [batch, A*B, N]
    const m = tf.mean(x3, 0, true); // [1, A*B, N]
    return tf.reshape(tf.add(tf.mul(x3, keep), tf.mul(m, mask)), x.shape);
  };
  return { h: s.h.map(merge), c: s.c.map(merge), inBwd: s.inBwd };
}

/**
 * The forward tick. fwdIn0 [batch, A_0, M] carries x_t on channel 0; bwdInLast [batch, A_L, M]
 * the error (and label) of the previous step. Returns the new state, the last layer's forward
 * message [batch, A_L, M] (the logits are its channel output_idx), and the forward messages each
 * layer read, which the reverse tick reuses.
 */
export function forwardTick(ctx: TickContext, s: NetState, fwdIn0: tf.Tensor3D, bwdInLast: tf.Tensor3D): { state: NetState; out: tf.Tensor3D; inFwd: tf.Tensor3D[] } {
  const { cfg } = ctx;
  const L = numLayers(cfg);
  const h = [...s.h];
  const c = [...s.c];
  const inBwd = [...s.inBwd];
  const inFwd: tf.Tensor3D[] = [fwdIn0];
  let out: tf.Tensor3D | undefined;
  for (let l = 0; l < L; l++) {
    // With a backward pass the reverse tick rewrites every backward message before it is read,
    // so the forward tick's are dead; the first layer's is always discarded.
    const wantBwd = l > 0 && !cfg.backwardPass;
    const r = denseLayer(ctx.sets[cfg.layerParamIndex[l]], layerDims(cfg, l), inFwd[l], l === L - 1 ? bwdInLast : inBwd[l], h[l], c[l], { fwd: true, bwd: wantBwd }, ctx.ops);
    h[l] = r.h;
    c[l] = r.c;
    if (wantBwd) inBwd[l - 1] = r.newBwd!;
    if (l < L - 1) inFwd.push(r.newFwd!);
    else out = r.newFwd!;
  }
  return { state: { h, c, inBwd }, out: out!, inFwd };
}

/**
 * The reverse tick (backward_pass): layers from last to first with the backward param sets;
 * backward messages are fresh, forward messages are those of this step's forward tick. Its
 * forward outputs are never read (the next forward tick rewrites them first).
 */
export function reverseTick(ctx: TickContext, s: NetState, inFwd: readonly tf.Tensor3D[], bwdInLast: tf.Tensor3D): NetState {
  const { cfg } = ctx;
  const L = numLayers(cfg);
  const h = [...s.h];
  const c = [...s.c];
  const inBwd = [...s.inBwd];
  for (let l = L - 1; l >= 0; l--) {
    const r = denseLayer(ctx.sets[cfg.backwardLayerParamIndex[l]], layerDims(cfg, l), inFwd[l], l === L - 1 ? bwdInLast : inBwd[l], h[l], c[l], { fwd: false, bwd: l > 0 }, ctx.ops);
    h[l] = r.h;
    c[l] = r.c;
    if (l > 0) inBwd[l - 1] = r.newBwd!;
  }
  return { h, c, inBwd };
}

/** Every tensor a state holds (to keep or dispose it as a whole). */
export const stateTensors = (s: NetState): tf.Tensor[] => [...s.h, ...s.c, ...s.inBwd];
