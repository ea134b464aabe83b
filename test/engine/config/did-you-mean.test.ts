import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance } from '../../../src/engine/config/did-you-mean';

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('mnist', 'mnist'), 0);
  assert.equal(editDistance('mnsit', 'mnist'), 1);
  assert.equal(editDistance('populaton_size', 'population_size'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('closest suggests likely typos only', () => {
  const keys = ['iterations', 'dataset', 'batch_size', 'episode_length', 'population_size', 'loss_type'];
  assert.equal(closest('population', keys), 'population_size');
  assert.equal(closest('Batch_Size', keys), 'batch_size');
  assert.equal(closest('episodes', keys), undefined);
  assert.equal(closest('zzz', keys), undefined);
  assert.equal(closest('x', []), undefined);
});
