import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig, inputSize, numClasses } from '../model/config';
import { Episode } from '../model/episode';
import { LayerState } from '../model/init';
import { forwardTick, initialNetState, mergeBatch, NetState, reverseTick, stateTensors, TickContext } from './network-tick';
import { firstLayerFwdIn } from './step-inputs';

/**
 * Everything one step hands the next inside an episode: the network state and the error E
 * [batch, A_L, 2] fed back into the next forward tick (channel 0: softmax - onehot over the
 * batch size; channel 1: the label with feed_label). Truncated backpropagation cuts the episode
 * between two steps by copying this to the host and starting the next slice from the copy.
 */
export interface UnrollState {
  net: NetState;
  errors: tf.Tensor3D; // [batch, A_L, 2]
}

/** The same on the host: detached from any gradient tape, so slices stay independent. */
export interface HostUnrollState {
  h: Float32Array[]; // per layer [batch*A_l*B_l*N]
  c: Float32Array[];
  /** Stale backward messages between layers, per layer l < L-1: [batch*B_l*M]. */
  inBwd: Float32Array[];
  errors: Float32Array; // [batch*A_L*2]
}

/** The state at t = 0: the drawn LSTM states, zero stale messages, zero error. */
export function startState(cfg: VsmlModelConfig, initialState: readonly LayerState[]): UnrollState {
  return { net: initialNetState(cfg, initialState), errors: tf.zeros([cfg.batchSize, numClasses(cfg), 2]) };
}

export const unrollTensors = (s: UnrollState): tf.Tensor[] => [...stateTensors(s.net), s.errors];

/** Copies (not views: the cpu backend hands out its own arrays) of the state's values. */
export function toHost(s: UnrollState): HostUnrollState {
  const copy = (x: tf.Tensor): Float32Array => Float32Array.from(x.dataSync());
  return { h: s.net.h.map(copy), c: s.net.c.map(copy), inBwd: s.net.inBwd.map(copy), errors: copy(s.errors) };
}

export function fromHost(cfg: VsmlModelConfig, s: HostUnrollState): UnrollState {
  const N = cfg.slowSize;
  const bs = cfg.batchSize;
  const rows = (l: number): number => bs * cfg.layerSizes[l] * cfg.layerSizes[l + 1];
  return {
    net: {
      h: s.h.map((x, l) => tf.tensor2d(x, [rows(l), N])),
      c: s.c.map((x, l) => tf.tensor2d(x, [rows(l), N])),
      inBwd: s.inBwd.map((x, l) => tf.tensor3d(x, [bs, cfg.layerSizes[l + 1], cfg.msgSize])),
    },
    errors: tf.tensor3d(s.errors, [bs, numClasses(cfg), 2]),
  };
}

/**
 * Steps [from, to) of an online episode as tfjs ops, differentiable in the param sets of `ctx`
 * (and in `start`). Same math as the runner and the float64 reference, including the paths
 * through the fed-back error, which depends on θ too. Returns the CE of every step
 * [to-from, batch], the logits [to-from, batch, A_L] and the state after step to-1. Call it
 * inside `tidy`/`tf.grad`; the caller owns what it keeps.
 */
export function unrollSteps(ctx: TickContext, episode: Episode, from: number, to: number, start: UnrollState): { ce: tf.Tensor2D; logits: tf.Tensor3D; end: UnrollState } {
  const { cfg } = ctx;
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const A0 = inputSize(cfg);
  const M = cfg.msgSize;
  // in_bwd_{L-1} [batch, A_L, M] from E [batch, A_L, 2].
  const bwdIn = (e: tf.Tensor3D): tf.Tensor3D => (M > 2 ? tf.concat([e, tf.zeros([bs, C, M - 2])], 2) : e);
  let state = start.net;
  let errors = start.errors;
  const ces: tf.Tensor1D[] = [];
  const allLogits: tf.Tensor2D[] = [];
  for (let t = from; t < to; t++) {
    state = mergeBatch(cfg, state);
    const fwdIn0 = tf.tensor3d(firstLayerFwdIn(episode.inputs, t * bs * A0, bs, A0, M), [bs, A0, M]);
    const fwd = forwardTick(ctx, state, fwdIn0, bwdIn(errors));
    state = fwd.state;
    let logits = tf.reshape(tf.slice(fwd.out, [0, 0, cfg.outputIdx], [bs, C, 1]), [bs, C]) as tf.Tensor2D; // [batch, A_L]
    if (cfg.tanhBound) logits = tf.mul(tf.tanh(tf.div(logits, cfg.tanhBound)), cfg.tanhBound) as tf.Tensor2D;
    allLogits.push(logits);
    const onehot = tf.cast(tf.oneHot(tf.tensor1d(episode.labels.subarray(t * bs, (t + 1) * bs), 'int32'), C), 'float32') as tf.Tensor2D; // [batch, A_L]
    const logp = tf.logSoftmax(logits); // [batch, A_L]
    ces.push(tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D);
    const e0 = tf.div(tf.sub(tf.exp(logp), onehot), bs); // d(batch-mean CE)/d logits
    const e1 = cfg.feedLabel ? onehot : tf.zerosLike(onehot);
    errors = tf.stack([e0, e1], 2) as tf.Tensor3D; // [batch, A_L, 2]
    if (cfg.backwardPass) {
      state = reverseTick(ctx, state, fwd.inFwd, bwdIn(errors));
      errors = tf.zeros([bs, C, 2]);
    }
  }
  return { ce: tf.stack(ces) as tf.Tensor2D, logits: tf.stack(allLogits) as tf.Tensor3D, end: { net: state, errors } };
}
