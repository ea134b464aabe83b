import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig } from '../model/config';
import { ParamLayout } from '../model/param-layout';

/**
 * One sub-RNN parameter set as the tensors the tfjs layer uses. lstm_w is split by input
 * (forward message, backward message, h) and by gate (i, g, f, o): the message parts are
 * multiplied once per layer call, and each gate comes out of its own matMul because slicing a
 * [X, 4N] result in the wasm backend copies the whole input once per slice (and concat is
 * ~15x dearer than a multiply there). The ±5 gate shifts are folded into the biases, and with
 * `fastTanh` the g gate's weights and bias are doubled so that g = 2σ(2z) - 1 needs only a
 * sigmoid (tanh is ~18x slower than sigmoid in tfjs-wasm).
 */
export interface SubRnnTensors {
  /** Per gate i, g, f, o: rows 0..M-1 of lstm_w (forward message), [M, N]. */
  gateWFwd: tf.Tensor2D[];
  /** Per gate: rows M..2M-1 (backward message), [M, N]. */
  gateWBwd: tf.Tensor2D[];
  /** Per gate: rows 2M..2M+N-1 (previous h), [N, N]. */
  gateWH: tf.Tensor2D[];
  /** Per gate: lstm_b plus the -5 (i) / +5 (f) shift, doubled for g with fastTanh, [N]. */
  gateB: tf.Tensor1D[];
  fwdW: tf.Tensor2D; // [N, M]
  fwdB: tf.Tensor1D; // [M]
  bwdW: tf.Tensor2D; // [N, M]
  bwdB: tf.Tensor1D; // [M]
  ln?: { fwdScale: tf.Tensor1D; fwdOffset: tf.Tensor1D; bwdScale: tf.Tensor1D; bwdOffset: tf.Tensor1D };
}

const GATE_SHIFT = [-5, 0, 5, 0];
const gateScale = (gate: number, fastTanh: boolean): number => (gate === 1 && fastTanh ? 2 : 1);

/** Builds the tensors of param set `set` from a host θ (used by the runner: one upload per rollout). */
export function subRnnFromHost(theta: ArrayLike<number>, layout: ParamLayout, set: number, cfg: VsmlModelConfig, fastTanh: boolean): SubRnnTensors {
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const w0 = layout.offset(set, 'lstm_w');
  const b0 = layout.offset(set, 'lstm_b');
  const gateWFwd: tf.Tensor2D[] = [];
  const gateWBwd: tf.Tensor2D[] = [];
  const gateWH: tf.Tensor2D[] = [];
  const gateB: tf.Tensor1D[] = [];
  // Rows [from, from+rows) of gate g's columns of lstm_w [2M+N, 4N], scaled.
  const rowsOf = (g: number, from: number, rows: number): tf.Tensor2D => {
    const s = gateScale(g, fastTanh);
    const w = new Float32Array(rows * N);
    for (let k = 0; k < rows; k++) for (let n = 0; n < N; n++) w[k * N + n] = s * theta[w0 + (from + k) * 4 * N + g * N + n];
    return tf.tensor2d(w, [rows, N]);
  };
  for (let g = 0; g < 4; g++) {
    gateWFwd.push(rowsOf(g, 0, M));
    gateWBwd.push(rowsOf(g, M, M));
    gateWH.push(rowsOf(g, 2 * M, N));
    const b = new Float32Array(N);
    for (let n = 0; n < N; n++) b[n] = gateScale(g, fastTanh) * (theta[b0 + g * N + n] + GATE_SHIFT[g]);
    gateB.push(tf.tensor1d(b));
  }
  const vec = (name: Parameters<ParamLayout['offset']>[1], size: number): Float32Array => {
    const o = layout.offset(set, name);
    return Float32Array.from({ length: size }, (_, i) => theta[o + i]);
  };
  return {
    gateWFwd,
    gateWBwd,
    gateWH,
    gateB,
    fwdW: tf.tensor2d(vec('fwd_w', N * M), [N, M]),
    fwdB: tf.tensor1d(vec('fwd_b', M)),
    bwdW: tf.tensor2d(vec('bwd_w', N * M), [N, M]),
    bwdB: tf.tensor1d(vec('bwd_b', M)),
    ln: cfg.layerNorm
      ? {
          fwdScale: tf.tensor1d(vec('fwd_ln_scale', M)),
          fwdOffset: tf.tensor1d(vec('fwd_ln_offset', M)),
          bwdScale: tf.tensor1d(vec('bwd_ln_scale', M)),
          bwdOffset: tf.tensor1d(vec('bwd_ln_offset', M)),
        }
      : undefined,
  };
}

/** The same tensors as differentiable functions of a θ tensor [D] (for tf.grad through an episode). */
export function subRnnFromTensor(theta: tf.Tensor1D, layout: ParamLayout, set: number, cfg: VsmlModelConfig, fastTanh: boolean): SubRnnTensors {
  const N = cfg.slowSize;
  const M = cfg.msgSize;
  const K = 2 * M + N;
  const part = (name: Parameters<ParamLayout['offset']>[1], size: number): tf.Tensor1D => tf.slice(theta, [layout.offset(set, name)], [size]);
  const lstmW = tf.reshape(part('lstm_w', K * 4 * N), [K, 4 * N]); // [2M+N, 4N]
  const lstmB = part('lstm_b', 4 * N); // [4N]
  const gateWFwd: tf.Tensor2D[] = [];
  const gateWBwd: tf.Tensor2D[] = [];
  const gateWH: tf.Tensor2D[] = [];
  const gateB: tf.Tensor1D[] = [];
  for (let g = 0; g < 4; g++) {
    const s = gateScale(g, fastTanh);
    const scaled = <T extends tf.Tensor>(x: T): T => (s === 1 ? x : (tf.mul(x, s) as T));
    gateWFwd.push(scaled(tf.slice(lstmW, [0, g * N], [M, N]) as tf.Tensor2D)); // [M, N]
    gateWBwd.push(scaled(tf.slice(lstmW, [M, g * N], [M, N]) as tf.Tensor2D)); // [M, N]
    gateWH.push(scaled(tf.slice(lstmW, [2 * M, g * N], [N, N]) as tf.Tensor2D)); // [N, N]
    gateB.push(scaled(tf.add(tf.slice(lstmB, [g * N], [N]), GATE_SHIFT[g]) as tf.Tensor1D)); // [N]
  }
  return {
    gateWFwd,
    gateWBwd,
    gateWH,
    gateB,
    fwdW: tf.reshape(part('fwd_w', N * M), [N, M]),
    fwdB: part('fwd_b', M),
    bwdW: tf.reshape(part('bwd_w', N * M), [N, M]),
    bwdB: part('bwd_b', M),
    ln: cfg.layerNorm
      ? { fwdScale: part('fwd_ln_scale', M), fwdOffset: part('fwd_ln_offset', M), bwdScale: part('bwd_ln_scale', M), bwdOffset: part('bwd_ln_offset', M) }
      : undefined,
  };
}

export function disposeSubRnn(p: SubRnnTensors): void {
  tf.dispose([...p.gateWFwd, ...p.gateWBwd, ...p.gateWH, ...p.gateB, p.fwdW, p.fwdB, p.bwdW, p.bwdB]);
  if (p.ln) tf.dispose([p.ln.fwdScale, p.ln.fwdOffset, p.ln.bwdScale, p.ln.bwdOffset]);
}
