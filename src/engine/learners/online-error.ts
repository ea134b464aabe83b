import { softmaxRow } from '../model/softmax-row';
import { BaselineEpisodeResult } from './baseline-result';

/**
 * Scores one inner step of a baseline as every path scores VSML's: bounds the logits in place
 * (b·tanh(z/b) when b != 0), takes the cross-entropy and correctness with softmaxRow, and writes
 * the error the learner sees next, d(mean CE over the batch)/d logits = (softmax − one-hot) / batch.
 */
function scoreStep(
  logits: Float64Array, // [C], bounded in place
  label: number,
  tanhBound: number,
  batchSize: number,
  error: Float64Array, // [C] out
): { ce: number; correct: 0 | 1 } {
  const C = logits.length;
  if (tanhBound) for (let k = 0; k < C; k++) logits[k] = Math.tanh(logits[k] / tanhBound) * tanhBound;
  const { ce, correct, max, sum } = softmaxRow(logits, 0, C, label);
  for (let k = 0; k < C; k++) error[k] = (Math.exp(logits[k] - max) / sum - (k === label ? 1 : 0)) / batchSize;
  return { ce, correct };
}

/**
 * Scores step `row` (a [T, batch] index) into `res` and turns the member's `feedback`, [error (C),
 * label (C)], into what the learner reads next: this step's error and one-hot label.
 */
export function recordStep(res: BaselineEpisodeResult, row: number, logits: Float64Array, label: number, tanhBound: number, batchSize: number, feedback: Float64Array): void {
  const C = logits.length;
  const r = scoreStep(logits, label, tanhBound, batchSize, feedback.subarray(0, C));
  res.logits.set(logits, row * C);
  res.ce[row] = r.ce;
  res.correct[row] = r.correct;
  feedback.fill(0, C);
  feedback[C + label] = 1;
}
