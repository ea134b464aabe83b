import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { check } from '../errors';
import { VsmlModelConfig } from '../model/config';
import { paramLayout } from '../model/param-layout';
import { denseLayer, LayerDims } from '../tfjs/dense-layer';
import { subRnnFromTensor } from '../tfjs/sub-rnn-tensors';
import { CellStreams } from './cell-streams';
import { Activation, CellRule } from './teacher';

/** Independent cells carried across unroll chunks: h, c [cells, N] (constants, not differentiated). */
export interface CellBatchState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

export interface CloneLossTerms {
  /** Forward message channel 0 vs G·u·f(x) (forward tick), scaled by the target's rms. */
  fwd: number;
  /** Backward message channel 0 vs G·u·f'(x)·e (reverse tick), scaled. */
  bwd: number;
  /** Weight channel change vs 0 (forward tick) and vs -λ·f(x)·e (reverse tick), scaled. */
  du: number;
  /** The other message channels vs 0 (they reach the next layer's cells), scaled like fwd. */
  rest: number;
}

export interface CloneLossOptions {
  rule: CellRule;
  weightChannel: number;
  /** rms sizes of the targets (targetScales). */
  scales: { fwd: number; bwd: number; du: number };
  /** Weight of the weight-channel term: its errors accumulate over an episode. */
  duWeight: number;
}

const act = (a: Activation, x: tf.Tensor): tf.Tensor =>
  a === 'identity' ? x : a === 'tanh' ? tf.tanh(x) : tf.sigmoid(x);

const actGrad = (a: Activation, x: tf.Tensor): tf.Tensor => {
  if (a === 'identity') return tf.onesLike(x);
  if (a === 'tanh') return tf.sub(1, tf.square(tf.tanh(x)));
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
};

/** A message [cells, 1, M] whose channel 0 is v [cells] and the rest zero. */
function message(v: Float32Array, M: number): tf.Tensor3D {
  const m = new Float32Array(v.length * M);
  for (let i = 0; i < v.length; i++) m[i * M] = v[i];
  return tf.tensor3d(m, [v.length, 1, M]);
}

/**
 * The cloning loss over steps [t0, t0+steps) of the cell streams: every cell runs the VSML
 * network's two ticks per step (forward with param set layerParamIndex[0], reverse with
 * backwardLayerParamIndex[0]) on its own stream, as a 1x1 dense layer (so it is exactly the
 * layer code the network runs), and is compared with the teacher's cell rule applied to the
 * clone's OWN weight channel (the targets follow the clone, so errors do not compound in the
 * targets). Returns the loss (a scalar of θ), the terms and the state after the last step.
 */
export function cloneChunkLoss(
  cfg: VsmlModelConfig, theta: tf.Tensor1D, streams: CellStreams, t0: number, steps: number, state: CellBatchState, opts: CloneLossOptions,
): { loss: tf.Scalar; terms: tf.Tensor1D; state: CellBatchState } {
  const layout = paramLayout(cfg);
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const B = streams.cells;
  check(t0 >= 0 && t0 + steps <= streams.length, 'clone.unroll', `steps [${t0}, ${t0 + steps}) fall outside the stream of ${streams.length}`, 'use an unroll no longer than clone.stream_length');
  check(cfg.backwardPass, 'model.vsml_rnn.backward_pass', 'is false, but the clone learns in the reverse tick', 'set it to true');
  const fastTanh = tf.getBackend() === 'wasm';
  const fwdSet = subRnnFromTensor(theta, layout, cfg.layerParamIndex[0], cfg, fastTanh);
  const bwdSet = subRnnFromTensor(theta, layout, cfg.backwardLayerParamIndex[0], cfg, fastTanh);
  const dims: LayerDims = { batch: B, nIn: 1, nOut: 1, slowSize: N, msgSize: M, numMicroTicks: cfg.numMicroTicks };
  const { rule, weightChannel: wc } = opts;
  const weight = (c: tf.Tensor2D): tf.Tensor1D => tf.reshape(tf.slice(c, [0, wc], [B, 1]), [B]);
  const channel0 = (m: tf.Tensor3D): tf.Tensor1D => tf.reshape(tf.slice(m, [0, 0, 0], [B, 1, 1]), [B]);
  const rest = (m: tf.Tensor3D): tf.Scalar => (M > 1 ? tf.mean(tf.square(tf.slice(m, [0, 0, 1], [B, 1, M - 1]))) : tf.scalar(0));
  let h = state.h;
  let c = state.c;
  const fwdErr: tf.Scalar[] = [];
  const bwdErr: tf.Scalar[] = [];
  const duErr: tf.Scalar[] = [];
  const restErr: tf.Scalar[] = [];
  for (let t = t0; t < t0 + steps; t++) {
    const row = (a: Float32Array): Float32Array => a.subarray(t * B, (t + 1) * B);
    const x = tf.tensor1d(row(streams.x));
    const e = tf.tensor1d(row(streams.e));
    const fx = act(rule.activation, x);
    const fwdIn = message(row(streams.x), M);
    // Forward tick: the weighted input; the weight stays.
    const u0 = weight(c);
    const f = denseLayer(fwdSet, dims, fwdIn, message(row(streams.eStale), M), h, c, { fwd: true, bwd: false }, { fastTanh });
    fwdErr.push(tf.mean(tf.square(tf.sub(channel0(f.newFwd!), tf.mul(tf.mul(u0, fx), rule.gain)))));
    restErr.push(rest(f.newFwd!));
    const u1 = weight(f.c);
    duErr.push(tf.mean(tf.square(tf.sub(u1, u0))));
    // Reverse tick: the weighted error (with the weight before its step), then the SGD step.
    const r = denseLayer(bwdSet, dims, fwdIn, message(row(streams.e), M), f.h, f.c, { fwd: false, bwd: true }, { fastTanh });
    bwdErr.push(tf.mean(tf.square(tf.sub(channel0(r.newBwd!), tf.mul(tf.mul(tf.mul(u1, actGrad(rule.activation, x)), e), rule.gain)))));
    restErr.push(rest(r.newBwd!));
    const u2 = weight(r.c);
    duErr.push(tf.mean(tf.square(tf.sub(tf.sub(u2, u1), tf.mul(tf.mul(fx, e), -rule.lr)))));
    h = r.h;
    c = r.c;
  }
  const s = opts.scales;
  const terms = tf.stack([
    tf.div(tf.mean(tf.stack(fwdErr)), s.fwd * s.fwd),
    tf.div(tf.mean(tf.stack(bwdErr)), s.bwd * s.bwd),
    tf.div(tf.mean(tf.stack(duErr)), s.du * s.du),
    tf.div(tf.mean(tf.stack(restErr)), s.fwd * s.fwd),
  ]) as tf.Tensor1D;
  const weights = tf.tensor1d([1, 1, opts.duWeight, 1]);
  return { loss: tf.sum(tf.mul(terms, weights)) as tf.Scalar, terms, state: { h, c } };
}
