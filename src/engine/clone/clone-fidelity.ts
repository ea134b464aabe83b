import * as tf from '@tensorflow/tfjs-core';
import { VsmlModelConfig } from '../model/config';
import { CellStreams } from './cell-streams';
import { cloneChunkLoss, CloneLossOptions, CloneLossTerms } from './clone-loss';

/**
 * How closely a clone θ follows its teacher's cell rule over whole streams (typically held-out
 * ones it was not trained on): the loss terms of clone-loss.ts averaged over every step, each a
 * mean squared error divided by the target's mean square (0 = exact, 1 = no better than 0).
 */
export function cloneFidelity(cfg: VsmlModelConfig, theta: Float64Array, streams: CellStreams, opts: Omit<CloneLossOptions, 'duWeight'>, chunk = 25): CloneLossTerms {
  const N = cfg.slowSize;
  const th = tf.tensor1d(Float32Array.from(theta));
  let h: tf.Tensor2D = tf.zeros([streams.cells, N]);
  let c: tf.Tensor2D = tf.tensor2d(streams.c0, [streams.cells, N]);
  const sum = [0, 0, 0, 0];
  let chunks = 0;
  for (let t0 = 0; t0 < streams.length; t0 += chunk) {
    const steps = Math.min(chunk, streams.length - t0);
    const out = tf.tidy(() => {
      const r = cloneChunkLoss(cfg, th, streams, t0, steps, { h, c }, { ...opts, duWeight: 1 });
      return { terms: r.terms, h: r.state.h, c: r.state.c };
    });
    const t = out.terms.dataSync();
    for (let i = 0; i < 4; i++) sum[i] += t[i] * steps;
    chunks += steps;
    tf.dispose([h, c, out.terms]);
    h = out.h;
    c = out.c;
  }
  tf.dispose([th, h, c]);
  return { fwd: sum[0] / chunks, bwd: sum[1] / chunks, du: sum[2] / chunks, rest: sum[3] / chunks };
}
