import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { makeBaselineEvaluator } from '../../../src/engine/baselines/evaluate-baselines';
import { separableEpisode } from './toy-stream';

test('sgd and adam rows: tuned on training episodes, run on the given ones', async () => {
  let tuningDraws = 0;
  const evaluator = makeBaselineEvaluator({
    trainSample: (rng, length, batch) => {
      tuningDraws++;
      return separableEpisode(rng, length, batch);
    },
    inputSize: 6, numClasses: 3, batchSize: 1, hiddenSize: 8, tanhBound: 100, tuneEpisodes: 2, seed: 3,
    grid: [1e-4, 0.03, 0.3],
  });
  const held = [0, 1, 2].map((i) => separableEpisode(new Rng(50, i), 80));
  const rows = await evaluator(held);
  for (const k of ['sgd', 'adam'] as const) {
    const r = rows[k];
    assert.equal(r.curve.length, 80);
    assert.ok([0.03, 0.3].includes(r.lr), `${k} lr ${r.lr}`);
    assert.ok(r.model === 'linear' || r.model === 'mlp8');
    assert.ok(r.meanAccuracy > 0.6, `${k} ${r.meanAccuracy}`);
    const mean = r.curve.reduce((a, b) => a + b, 0) / 80;
    assert.ok(Math.abs(mean - r.meanAccuracy) < 1e-9);
  }
  // 2 optimizers x 2 architectures x 2 episodes (every rate reuses them), then memoized for the same length
  assert.equal(tuningDraws, 8);
  assert.deepEqual(await evaluator(held), rows);
  assert.equal(tuningDraws, 8);
});
