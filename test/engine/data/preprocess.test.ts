import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREPROCESS, DATASET_STATS, buildPreprocessor, resizeImage } from '../../../src/engine/data/preprocess';

const ident = { mean: 0, std: 1 };

test('integer downscaling averages blocks', () => {
  const src = Float64Array.from({ length: 16 }, (_, i) => i); // [4, 4]
  const out = new Float64Array(4);
  resizeImage(src, 0, 4, 4, out, 2, 2);
  // block (0,0) = 0,1,4,5 -> 2.5; (0,1) = 2,3,6,7 -> 4.5; (1,0) = 8,9,12,13 -> 10.5; (1,1) -> 12.5
  assert.deepEqual(Array.from(out), [2.5, 4.5, 10.5, 12.5]);
});

test('non-integer resize is bilinear with half-pixel centers', () => {
  const src = Float64Array.from([0, 1, 2]); // [1, 3]
  const out = new Float64Array(2);
  resizeImage(src, 0, 1, 3, out, 1, 2);
  // x = (c + 0.5) * 1.5 - 0.5: 0.25 and 1.75
  assert.deepEqual(Array.from(out), [0.25, 1.75]);
  const up = new Float64Array(4);
  resizeImage(Float64Array.from([0, 4]), 0, 1, 2, up, 1, 4);
  // x = (c + 0.5) * 0.5 - 0.5 clamped: 0, 0.25, 0.75, 1 -> 0, 1, 3, 4
  assert.deepEqual(Array.from(up), [0, 1, 3, 4]);
});

test('28x28 MNIST-like image -> 7x7 with dataset standardization', () => {
  const p = buildPreprocessor({ ...DEFAULT_PREPROCESS, resize: [7, 7, 1] }, 28, 28, DATASET_STATS.mnist);
  assert.equal(p.outSize, 49);
  const img = new Float64Array(784).fill(1);
  const out = new Float32Array(49);
  p.apply(img, 0, out, 0);
  const expected = (1 - 0.13066047430038452) / 0.3081078827381134;
  for (const v of out) assert.ok(Math.abs(v - expected) < 1e-6);
});

test('padding adds zeros after normalization, bottom and right', () => {
  const p = buildPreprocessor({ ...DEFAULT_PREPROCESS, pad: [3, 3] }, 2, 2, { mean: 0.5, std: 0.5 });
  const out = new Float64Array(9);
  p.apply(Float64Array.from([1, 0, 0.5, 1]), 0, out, 0);
  assert.deepEqual(Array.from(out), [1, -1, 0, 0, 1, 0, 0, 0, 0]);
  assert.throws(() => buildPreprocessor({ ...DEFAULT_PREPROCESS, pad: [1, 3] }, 2, 2, ident), /pad.input.*smaller than the image/);
});

test('per-image standardization and identity modes', () => {
  const std = buildPreprocessor({ ...DEFAULT_PREPROCESS, normalizationMode: 'standard' }, 1, 4, DATASET_STATS.mnist);
  const out = new Float64Array(4);
  std.apply([0, 0, 1, 1], 0, out, 0);
  assert.deepEqual(Array.from(out), [-1, -1, 1, 1]);
  const id = buildPreprocessor({ ...DEFAULT_PREPROCESS, normalizationMode: 'identity' }, 1, 4, DATASET_STATS.mnist);
  id.apply([0, 0.25, 1, 1], 0, out, 0);
  assert.deepEqual(Array.from(out), [0, 0.25, 1, 1]);
  assert.throws(() => buildPreprocessor({ ...DEFAULT_PREPROCESS, normalizationMode: 'minmax' as never }, 1, 4, ident), /normalization_mode/);
});

test('the pixel permutation is a fixed function of the seed', () => {
  const img = Float64Array.from({ length: 16 }, (_, i) => i);
  const run = (seed: number): number[] => {
    const p = buildPreprocessor({ ...DEFAULT_PREPROCESS, normalizationMode: 'identity', shuffle: true, seed }, 4, 4, ident);
    const out = new Float64Array(16);
    p.apply(img, 0, out, 0);
    return Array.from(out);
  };
  const a = run(3);
  assert.deepEqual(a, run(3));
  assert.notDeepEqual(a, run(4));
  assert.notDeepEqual(a, Array.from(img));
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from(img));
});

test('the random projection is a fixed linear map of the seed', () => {
  const mk = (seed: number) => buildPreprocessor({ ...DEFAULT_PREPROCESS, normalizationMode: 'identity', randProj: true, seed }, 3, 3, ident);
  const x = Float64Array.from([1, 0, 0, 0, 2, 0, 0, 0, -1]);
  const y = Float64Array.from([0, 1, 0, 3, 0, 0, 1, 0, 0]);
  const p = mk(5);
  const fx = new Float64Array(9);
  const fy = new Float64Array(9);
  const fxy = new Float64Array(9);
  p.apply(x, 0, fx, 0);
  p.apply(y, 0, fy, 0);
  p.apply(x.map((v, i) => v + 2 * y[i]), 0, fxy, 0);
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(fxy[i] - (fx[i] + 2 * fy[i])) < 1e-12);
  const again = new Float64Array(9);
  mk(5).apply(x, 0, again, 0);
  assert.deepEqual(again, fx);
  const other = new Float64Array(9);
  mk(6).apply(x, 0, other, 0);
  assert.notDeepEqual(other, fx);
  // Glorot-uniform entries are bounded by sqrt(6 / (2 * 9))
  const e0 = new Float64Array(9);
  p.apply(Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]), 0, e0, 0);
  for (const v of e0) assert.ok(Math.abs(v) <= Math.sqrt(6 / 18));
});

test('bad resize shapes are errors naming the field', () => {
  assert.throws(() => buildPreprocessor({ ...DEFAULT_PREPROCESS, resize: [7, 7, 3] }, 28, 28, ident), /data.preprocess.resize/);
  assert.throws(() => buildPreprocessor({ ...DEFAULT_PREPROCESS, resize: [0, 7] }, 28, 28, ident), /data.preprocess.resize/);
});
