import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig } from '../model/config';
import { ParamLayout } from '../model/param-layout';

/**
 * One sub-RNN parameter set as the tensors the tfjs layer uses. The LSTM matrix is split by
 * gate (i, g, f, o) so that each gate comes out of its own matMul: slicing a [X, 4N] result in
 * the wasm backend copies the whole input once per slice. The ±5 gate shifts are folded into
 * the biases, and with `fastTanh` the g columns are doubled so that g = 2σ(2z) - 1 needs only
 * a sigmoid of the matMul output (tanh is ~18x slower than sigmoid in tfjs-wasm).
 */
export interface SubRnnTensors {
  /** Per gate i, g, f, o: rows [fwd msg (M), bwd msg (M), h (N)] of lstm_w, [2M+N, N]. */
  gateW: tf.Tensor2D[];
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
  const K = 2 * M + N;
  const w0 = layout.offset(set, 'lstm_w');
  const b0 = layout.offset(set, 'lstm_b');
  const gateW: tf.Tensor2D[] = [];
  const gateB: tf.Tensor1D[] = [];
  for (let g = 0; g < 4; g++) {
    const s = gateScale(g, fastTanh);
    const w = new Float32Array(K * N); // [2M+N, N]
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) w[k * N + n] = s * theta[w0 + k * 4 * N + g * N + n];
    const b = new Float32Array(N);
    for (let n = 0; n < N; n++) b[n] = s * (theta[b0 + g * N + n] + GATE_SHIFT[g]);
    gateW.push(tf.tensor2d(w, [K, N]));
    gateB.push(tf.tensor1d(b));
  }
  const vec = (name: Parameters<ParamLayout['offset']>[1], size: number): Float32Array => {
    const o = layout.offset(set, name);
    return Float32Array.from({ length: size }, (_, i) => theta[o + i]);
  };
  return {
    gateW,
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
  const gateW: tf.Tensor2D[] = [];
  const gateB: tf.Tensor1D[] = [];
  for (let g = 0; g < 4; g++) {
    const s = gateScale(g, fastTanh);
    const w = tf.slice(lstmW, [0, g * N], [K, N]) as tf.Tensor2D; // [2M+N, N]
    const b: tf.Tensor1D = tf.add(tf.slice(lstmB, [g * N], [N]), GATE_SHIFT[g]); // [N]
    gateW.push(s === 1 ? w : (tf.mul(w, s) as tf.Tensor2D));
    gateB.push(s === 1 ? b : (tf.mul(b, s) as tf.Tensor1D));
  }
  return {
    gateW,
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
  tf.dispose([...p.gateW, ...p.gateB, p.fwdW, p.fwdB, p.bwdW, p.bwdB]);
  if (p.ln) tf.dispose([p.ln.fwdScale, p.ln.fwdOffset, p.ln.bwdScale, p.ln.bwdOffset]);
}
