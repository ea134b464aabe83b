import { Episode } from '../model/episode';
import { MetaRnnConfig } from './learner-config';
import { learnerLayout } from './learner-layout';
import { affine, lstmStep } from './lstm-step';
import { scoreStep } from './online-error';
import { BaselineEpisodeResult } from './baseline-result';

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
  const logits = new Float64Array(T * bs * C);
  const ce = new Float64Array(T * bs);
  const correct = new Uint8Array(T * bs);
  const members = Array.from({ length: bs }, () => ({
    h: new Float64Array(H),
    c: new Float64Array(H),
    feedback: new Float64Array(2 * C), // [error (C), previous label (C)]
  }));
  const xPart = new Float64Array(G);
  const z = new Float64Array(G);
  const out = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < bs; b++) {
      const row = t * bs + b;
      const s = members[b];
      affine(episode.inputs, row * A, A, theta, lstmW, lstmB, xPart); // input rows
      affine(s.feedback, 0, 2 * C, theta, lstmW + A * G, 0, xPart, true); // error and label rows
      for (let k = 0; k < cfg.numMicroTicks; k++) lstmStep(xPart, theta, lstmW + (A + 2 * C) * G, s.h, s.c, z);
      affine(s.h, 0, H, theta, outW, outB, out);
      const y = episode.labels[row];
      const r = scoreStep(out, y, cfg.tanhBound, bs, s.feedback.subarray(0, C));
      logits.set(out, row * C);
      ce[row] = r.ce;
      correct[row] = r.correct;
      s.feedback.fill(0, C);
      s.feedback[C + y] = 1;
    }
  }
  return { logits, ce, correct };
}
