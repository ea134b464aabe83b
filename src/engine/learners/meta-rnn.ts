import { Episode } from '../model/episode';
import { MetaRnnConfig } from './learner-config';
import { learnerLayout } from './learner-layout';
import { affine, fedInputPart, fedLstmState, lstmStep } from './lstm-step';
import { recordStep } from './online-error';
import { BaselineEpisodeResult, emptyResult } from './baseline-result';

/**
 * The Meta RNN (reference models.py `MetaRNN`, after Hochreiter et al. 2001) over one episode.
 * Step t: x = [input_t (A), error_{t-1} (C), label_{t-1} (C)] (zeros at t = 0); `numMicroTicks`
 * LSTM updates with x; logits = h·out_w + out_b, bounded; the error fed at t + 1 is the gradient
 * of the step's cross-entropy. Batch members run independently (zero initial states).
 */
export function metaRnnEpisode(cfg: MetaRnnConfig, theta: Float64Array, episode: Episode): BaselineEpisodeResult {
  const { inputSize: A, numClasses: C, slowSize: H, batchSize: bs } = cfg;
  const layout = learnerLayout(cfg);
  const lstmW = layout.slot('lstm_w').offset; // [A + 2C + H, 4H]
  const lstmB = layout.slot('lstm_b').offset;
  const outW = layout.slot('out_w').offset; // [H, C]
  const outB = layout.slot('out_b').offset;
  const G = 4 * H;
  const T = episode.length;
  const res = emptyResult(T, bs, C);
  const members = Array.from({ length: bs }, () => fedLstmState(H, C));
  const xPart = new Float64Array(G);
  const z = new Float64Array(G);
  const out = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < bs; b++) {
      const row = t * bs + b;
      const s = members[b];
      fedInputPart(episode.inputs, row * A, A, s.feedback, theta, lstmW, lstmB, xPart);
      for (let k = 0; k < cfg.numMicroTicks; k++) lstmStep(xPart, theta, lstmW + (A + 2 * C) * G, s.h, s.c, z);
      affine(s.h, 0, H, theta, outW, outB, out);
      recordStep(res, row, out, episode.labels[row], cfg.tanhBound, bs, s.feedback);
    }
  }
  return res;
}
