import { Episode } from '../model/episode';
import { HebbianConfig } from './learner-config';
import { learnerLayout } from './learner-layout';
import { recordStep } from './online-error';
import { BaselineEpisodeResult, emptyResult } from './baseline-result';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Hebbian fast weights (reference models.py `HebbianFW` with one `HebbianLinear`) over one episode.
 * The layer's input is x = [input (A), error (C), label (C)] and its weights w + coeff ⊙ F.
 * Step t: predict with the error and label parts zeroed; score; run the layer again with this
 * step's error and label to get y = softmax(out) (unbounded) and update the fast weights,
 * Oja: F += η·y_j·(x_i − y_j·F_ij), Hebb: F = (1 − η)·F + η·x_i·y_j, η = σ(fw_lr), F averaged
 * over the batch. F starts at zero.
 */
export function hebbianEpisode(cfg: HebbianConfig, theta: Float64Array, episode: Episode): BaselineEpisodeResult {
  const { inputSize: A, numClasses: C, batchSize: bs } = cfg;
  const I = A + 2 * C;
  const layout = learnerLayout(cfg);
  const w = layout.slot('w').offset; // [I, C]
  const coeff = layout.slot('coeff').offset; // [I, C]
  const bias = layout.slot('b').offset; // [C]
  const eta = sigmoid(theta[layout.slot('fw_lr').offset]);
  const T = episode.length;
  const res = emptyResult(T, bs, C);
  const F = new Float64Array(I * C); // fast weights [I, C]
  const weff = new Float64Array(I * C); // w + coeff ⊙ F
  const nextF = new Float64Array(I * C);
  const x = new Float64Array(I);
  const out = new Float64Array(C);
  const feedback = new Float64Array(2 * C); // [error (C), label (C)] of the current step
  const y = new Float64Array(C);
  const layer = (n: number): void => {
    for (let j = 0; j < C; j++) out[j] = theta[bias + j];
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let j = 0; j < C; j++) out[j] += xi * weff[i * C + j];
    }
  };
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < I * C; i++) weff[i] = theta[w + i] + theta[coeff + i] * F[i];
    nextF.fill(0);
    for (let b = 0; b < bs; b++) {
      const row = t * bs + b;
      const label = episode.labels[row];
      for (let i = 0; i < A; i++) x[i] = episode.inputs[row * A + i];
      x.fill(0, A);
      layer(A); // the error and label parts are zero when predicting
      recordStep(res, row, out, label, cfg.tanhBound, bs, feedback);
      x.set(feedback, A);
      layer(I);
      let max = -Infinity;
      for (let j = 0; j < C; j++) max = Math.max(max, out[j]);
      let sum = 0;
      for (let j = 0; j < C; j++) sum += (y[j] = Math.exp(out[j] - max));
      for (let j = 0; j < C; j++) y[j] /= sum;
      for (let i = 0; i < I; i++)
        for (let j = 0; j < C; j++) {
          const f = F[i * C + j];
          nextF[i * C + j] += cfg.useOja ? f + eta * y[j] * (x[i] - y[j] * f) : (1 - eta) * f + eta * x[i] * y[j];
        }
    }
    for (let i = 0; i < I * C; i++) F[i] = nextF[i] / bs;
  }
  return res;
}
