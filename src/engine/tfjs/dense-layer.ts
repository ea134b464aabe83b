import * as tf from '@tensorflow/tfjs-core';
import { SubRnnTensors } from './sub-rnn-tensors';

/** How the layer is expressed in tfjs ops; the math is the same. */
export interface LayerOps {
  /** tanh(x) = 2σ(2x) - 1 (the g gate's weights must be doubled, see sub-rnn-tensors.ts). */
  readonly fastTanh: boolean;
}

export interface LayerDims {
  /** Examples per step of one rollout. */
  readonly batch: number;
  /** A: inputs of the layer. */
  readonly nIn: number;
  /** B: outputs of the layer. */
  readonly nOut: number;
  readonly slowSize: number;
  readonly msgSize: number;
  readonly numMicroTicks: number;
}

export interface DenseLayerOut {
  h: tf.Tensor2D; // [batch*A*B, N]
  c: tf.Tensor2D; // [batch*A*B, N]
  /** Mean over a of the cells' forward messages, [batch, B, M]; only when asked for. */
  newFwd?: tf.Tensor3D;
  /** Mean over b of the cells' backward messages, [batch, A, M]; only when asked for. */
  newBwd?: tf.Tensor3D;
}

const LN_EPS = 1e-5;

/** LN over the last axis with population variance and eps inside the sqrt (Haiku's default). */
function layerNorm(v: tf.Tensor2D, scale: tf.Tensor1D, offset: tf.Tensor1D): tf.Tensor2D {
  const mean = tf.mean(v, -1, true); // [X, 1]
  const d = tf.sub(v, mean); // [X, M]
  const variance = tf.mean(tf.square(d), -1, true); // [X, 1]
  return tf.add(tf.mul(tf.mul(d, tf.rsqrt(tf.add(variance, LN_EPS))), scale), offset) as tf.Tensor2D;
}

/**
 * One dense VSML layer call for one rollout: `numMicroTicks` updates of every cell (a, b)
 * with the same incoming messages, then the messages of the last micro tick.
 *
 * VSML algebra: cell (a, b) reads [fwd_in[a], bwd_in[b], h[a,b]], so its gate pre-activation is
 * fwd_in[a] @ W_f + bwd_in[b] @ W_b + b (the same in every micro tick: computed once per call,
 * per row and per column, then broadcast over the cells) plus h[a,b] @ W_h, the only per-cell
 * matMul. Without layer norm the message projection is linear, so it is applied after the mean
 * over cells (mean_a(h) @ W instead of mean_a(h @ W)).
 *
 * fwdIn [batch, A, M], bwdIn [batch, B, M], h/c [batch*A*B, N].
 */
export function denseLayer(
  p: SubRnnTensors, d: LayerDims, fwdIn: tf.Tensor3D, bwdIn: tf.Tensor3D, h: tf.Tensor2D, c: tf.Tensor2D,
  want: { fwd: boolean; bwd: boolean }, ops: LayerOps,
): DenseLayerOut {
  const { batch, nIn: A, nOut: B, slowSize: N, msgSize: M } = d;
  const X = batch * A * B;
  const fwd2: tf.Tensor2D = tf.reshape(fwdIn, [batch * A, M]);
  const bwd2: tf.Tensor2D = tf.reshape(bwdIn, [batch * B, M]);
  // Per gate, the message part of the pre-activation of every cell: [X, N].
  const msgPart = [0, 1, 2, 3].map((g): tf.Tensor2D => {
    // The bias goes on the smaller of the two (a broadcast add costs per element).
    const rowZ = tf.matMul(fwd2, p.gateWFwd[g]); // [batch*A, N]
    const colZ = tf.matMul(bwd2, p.gateWBwd[g]); // [batch*B, N]
    const perRow = tf.reshape(A < B ? tf.add(rowZ, p.gateB[g]) : rowZ, [batch, A, 1, N]);
    const perCol = tf.reshape(A < B ? colZ : tf.add(colZ, p.gateB[g]), [batch, 1, B, N]);
    return tf.reshape(tf.add(perRow, perCol), [X, N]);
  });
  const preact = (g: number, hPrev: tf.Tensor2D): tf.Tensor2D => tf.add(tf.matMul(hPrev, p.gateWH[g]), msgPart[g]); // [X, N]

  for (let tick = 0; tick < d.numMicroTicks; tick++) {
    const i = tf.sigmoid(preact(0, h)); // [X, N]
    const f = tf.sigmoid(preact(2, h)); // [X, N]
    const o = tf.sigmoid(preact(3, h)); // [X, N]
    if (ops.fastTanh) {
      // g = 2 s - 1 with s = σ(2 z_g):  c' = f c + i g = f c + 2 i s - i
      const s = tf.sigmoid(preact(1, h)); // [X, N]
      const is = tf.mul(i, s);
      c = tf.sub(tf.addN([tf.mul(f, c), is, is]), i) as tf.Tensor2D;
      // h' = o tanh(c') = 2 o σ(2c') - o
      const os = tf.mul(o, tf.sigmoid(tf.mul(c, 2)));
      h = tf.sub(tf.add(os, os), o) as tf.Tensor2D;
    } else {
      const g = tf.tanh(preact(1, h)); // [X, N]
      c = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
      h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D;
    }
  }

  const out: DenseLayerOut = { h, c };
  const h4: tf.Tensor4D = tf.reshape(h, [batch, A, B, N]);
  if (!p.ln) {
    if (want.fwd) {
      const hm: tf.Tensor2D = tf.reshape(tf.mean(h4, 1), [batch * B, N]); // mean over a: [batch*B, N]
      out.newFwd = tf.reshape(tf.add(tf.matMul(hm, p.fwdW), p.fwdB), [batch, B, M]);
    }
    if (want.bwd) {
      const hm: tf.Tensor2D = tf.reshape(tf.mean(h4, 2), [batch * A, N]); // mean over b: [batch*A, N]
      out.newBwd = tf.reshape(tf.add(tf.matMul(hm, p.bwdW), p.bwdB), [batch, A, M]);
    }
  } else {
    // Layer norm is per cell, so project every cell first, normalise, then average.
    if (want.fwd) {
      const fo = layerNorm(tf.add(tf.matMul(h, p.fwdW), p.fwdB) as tf.Tensor2D, p.ln.fwdScale, p.ln.fwdOffset); // [X, M]
      out.newFwd = tf.mean(tf.reshape(fo, [batch, A, B, M]), 1) as tf.Tensor3D;
    }
    if (want.bwd) {
      const bo = layerNorm(tf.add(tf.matMul(h, p.bwdW), p.bwdB) as tf.Tensor2D, p.ln.bwdScale, p.ln.bwdOffset); // [X, M]
      out.newBwd = tf.mean(tf.reshape(bo, [batch, A, B, M]), 2) as tf.Tensor3D;
    }
  }
  return out;
}
