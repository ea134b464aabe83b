import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset, sampleEpisode } from '../../../src/engine/data/episodes';
import { DEFAULT_PREPROCESS, PreprocessOptions } from '../../../src/engine/data/preprocess';
import { projectionMatrix } from '../../../src/engine/data/projection-pool';
import { stepRng } from '../../../src/engine/meta/es-step';
import { Rng } from '../../../src/engine/random';

const pre = (over: Partial<PreprocessOptions>): PreprocessOptions => ({ ...DEFAULT_PREPROCESS, resize: [7, 7], seed: 21, ...over });

test('pool matrices: the same (seed, k) gives the same matrix; k and the seed change it; Glorot-uniform bounds', () => {
  const a = projectionMatrix(21, 49, 3);
  assert.deepEqual(projectionMatrix(21, 49, 3), a);
  assert.notDeepEqual(projectionMatrix(21, 49, 4), a);
  assert.notDeepEqual(projectionMatrix(22, 49, 3), a);
  const limit = Math.sqrt(6 / 98);
  assert.ok(a.every((w) => Math.abs(w) <= limit));
  assert.ok(Math.max(...a) > 0.9 * limit && Math.min(...a) < -0.9 * limit);
});

test('a pool of one matrix with share 1 is exactly the fixed projection (rand_proj without a pool)', () => {
  const fixed = openDataset('mnist', { preprocess: pre({ randProj: true }) });
  const pooled = openDataset('mnist', { preprocess: pre({ randProj: true, randProjPool: 1, randProjShare: 1 }) });
  const b = sampleEpisode(pooled, 'train', 6, 1, new Rng(5));
  // the pool draws its choice (share, then matrix) before the examples: skip those two numbers to meet the same examples
  const skip = new Rng(5);
  skip.uniform();
  skip.int(1);
  const c = sampleEpisode(fixed, 'train', 6, 1, skip);
  assert.deepEqual(Array.from(b.labels), Array.from(c.labels));
  for (let i = 0; i < b.inputs.length; i++) assert.ok(Math.abs(b.inputs[i] - c.inputs[i]) < 1e-5, `input ${i}`);
});

test('each episode is projected by one pool matrix or, with share < 1, not at all', () => {
  const plain = openDataset('mnist', { preprocess: pre({}) });
  const pooled = openDataset('mnist', { preprocess: pre({ randProj: true, randProjPool: 4, randProjShare: 0.5 }) });
  assert.equal(pooled.inputSize, 49);
  let unprojected = 0;
  const used = new Set<number>();
  for (let e = 0; e < 60; e++) {
    const rng = new Rng(100 + e);
    const ep = sampleEpisode(pooled, 'train', 3, 1, rng);
    const choice = new Rng(100 + e);
    const projected = choice.uniform() < 0.5;
    const k = choice.int(4);
    const raw = sampleEpisode(plain, 'train', 3, 1, choice);
    assert.deepEqual(Array.from(ep.labels), Array.from(raw.labels));
    if (!projected) {
      unprojected++;
      assert.deepEqual(Array.from(ep.inputs), Array.from(raw.inputs));
      continue;
    }
    used.add(k);
    const w = projectionMatrix(21, 49, k);
    for (let j = 0; j < 49; j++) {
      let y = 0;
      for (let i = 0; i < 49; i++) y += raw.inputs[i] * w[i * 49 + j];
      assert.ok(Math.abs(ep.inputs[j] - y) < 1e-4);
    }
  }
  assert.ok(unprojected > 15 && unprojected < 45, `${unprojected} of 60 unprojected`);
  assert.equal(used.size, 4);
});

test('resume-equivalent: a fresh pool dataset draws at step s what a long-running one draws there', () => {
  const opts = { preprocess: pre({ randProj: true, randProjPool: 8, randProjShare: 0.7 }) };
  const running = openDataset('mnist', opts);
  const uninterrupted = Array.from({ length: 6 }, (_, s) => sampleEpisode(running, 'train', 4, 1, stepRng(9, s)));
  const resumed = openDataset('mnist', opts); // a new process after a restart at step 3
  for (let s = 3; s < 6; s++) {
    const ep = sampleEpisode(resumed, 'train', 4, 1, stepRng(9, s));
    assert.deepEqual(Array.from(ep.inputs), Array.from(uninterrupted[s].inputs));
    assert.deepEqual(Array.from(ep.labels), Array.from(uninterrupted[s].labels));
  }
});
