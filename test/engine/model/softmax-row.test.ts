import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxRow } from '../../../src/engine/model/softmax-row';

test('softmaxRow: CE is -log softmax of the label, argmax ties go to the lowest index, offset picks the row', () => {
  const z = Float64Array.from([9, 9, 9, 1, 3, 3, -2]); // row 0 = [9, 9, 9]; row 1 (offset 3) = [1, 3, 3, -2]
  const r = softmaxRow(z, 3, 4, 2);
  const denom = Math.exp(1) + 2 * Math.exp(3) + Math.exp(-2);
  assert.ok(Math.abs(r.ce - -Math.log(Math.exp(3) / denom)) < 1e-12);
  assert.equal(r.correct, 0, 'tie between 1 and 2: argmax is 1, the label 2 counts as wrong');
  assert.equal(softmaxRow(z, 3, 4, 1).correct, 1);
  assert.equal(r.max, 3);
  assert.ok(Math.abs(Math.exp(1 - r.max) / r.sum - Math.exp(1) / denom) < 1e-15, 'softmax from max and sum');
  // Large logits stay finite (max is subtracted before exp).
  assert.ok(Number.isFinite(softmaxRow([1000, 0], 0, 2, 1).ce));
});
