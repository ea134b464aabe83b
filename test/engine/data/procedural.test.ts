import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { checkRandomOptions, drawRandomTask, drawSumExample } from '../../../src/engine/data/procedural';

test('random task: [size, rows, cols] standard normals, labels in [0, target_count)', () => {
  const { images, labels } = drawRandomTask({ size: 50, targetCount: 3, imgSize: [4, 5, 1] }, new Rng(1));
  assert.equal(images.length, 50 * 20);
  assert.equal(labels.length, 50);
  for (const y of labels) assert.ok(y >= 0 && y < 3);
  const mean = images.reduce((a, b) => a + b, 0) / images.length;
  const sd = Math.sqrt(images.reduce((a, b) => a + (b - mean) ** 2, 0) / images.length);
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(sd - 1) < 0.1, `mean ${mean} sd ${sd}`);
  assert.deepEqual(drawRandomTask({ size: 50, targetCount: 3, imgSize: [4, 5] }, new Rng(1)).labels, labels);
});

test('sum example: values within 2 std of a mean in [-1, 1]; label = sum >= 0', () => {
  const out = new Float64Array(64);
  const rng = new Rng(2);
  for (let k = 0; k < 50; k++) {
    const y = drawSumExample(8, 8, rng, out, 0);
    const s = out.reduce((a, b) => a + b, 0);
    assert.equal(y, s >= 0 ? 1 : 0);
    for (const v of out) assert.ok(v > -3 && v < 3);
  }
});

test('bad random_dataset options name the field', () => {
  assert.throws(() => checkRandomOptions({ size: 0, targetCount: 10, imgSize: [28, 28, 1] }), /random_dataset.size/);
  assert.throws(() => checkRandomOptions({ size: 20, targetCount: 1, imgSize: [28, 28, 1] }), /random_dataset.target_count/);
  assert.throws(() => checkRandomOptions({ size: 20, targetCount: 10, imgSize: [28, 28, 3] }), /random_dataset.img_size/);
});
