/**
 * Softmax cross-entropy and argmax of one row of C logits, `z[offset .. offset + C)`: the online
 * loss and correctness of one inner step. Ties go to the lowest index, as numpy's argmax. `max`
 * and `sum` let a caller form the softmax, exp(z[k] - max) / sum, for the fed-back error.
 * Every path (float64 reference, fused kernel, TensorFlow.js rollout, the cloning teacher) scores
 * a step with this, so they agree to the bit on the same logits.
 */
export interface SoftmaxRow {
  readonly ce: number;
  readonly correct: 0 | 1;
  readonly max: number;
  readonly sum: number;
}

export function softmaxRow(z: ArrayLike<number>, offset: number, C: number, label: number): SoftmaxRow {
  let max = -Infinity;
  let arg = 0;
  for (let k = 0; k < C; k++) if (z[offset + k] > max) { max = z[offset + k]; arg = k; }
  let sum = 0;
  for (let k = 0; k < C; k++) sum += Math.exp(z[offset + k] - max);
  return { ce: Math.log(sum) + max - z[offset + label], correct: arg === label ? 1 : 0, max, sum };
}
