import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tuneLearningRate } from '../../../src/engine/baselines/lr-tuning';
import { separableEpisode } from './toy-stream';

test('LR tuning picks a rate that learns, not the extremes of the grid', () => {
  const opts = { sample: (rng: Parameters<typeof separableEpisode>[0]) => separableEpisode(rng, 60), inputSize: 6, numClasses: 3, batchSize: 1, episodes: 3, seed: 11 };
  for (const optimizer of ['sgd', 'adam'] as const) {
    const r = tuneLearningRate({ hiddenSize: 0, optimizer, tanhBound: 100 }, opts);
    assert.equal(r.scores.length, 9);
    const best = r.scores.find((s) => s.lr === r.lr);
    assert.ok(best);
    for (const s of r.scores) assert.ok(best.meanAccuracy >= s.meanAccuracy);
    assert.ok(r.lr >= 0.01 && r.lr <= 0.3, `${optimizer} picked ${r.lr}`);
    const tiny = r.scores[0];
    assert.ok(best.meanAccuracy > tiny.meanAccuracy + 0.1, `${optimizer}: best ${best.meanAccuracy}, lr 1e-4 ${tiny.meanAccuracy}`);
    // seeded: the same call gives the same answer
    assert.deepEqual(tuneLearningRate({ hiddenSize: 0, optimizer, tanhBound: 100 }, opts), r);
  }
  assert.throws(() => tuneLearningRate({ hiddenSize: 0, optimizer: 'sgd', tanhBound: 0 }, { ...opts, grid: [] }), /baselines.lr_grid/);
});
