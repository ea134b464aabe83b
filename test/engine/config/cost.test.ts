import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateConfigCost, estimateCost, estimateSeconds } from '../../../src/engine/config/cost';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import type { ExperimentConfig } from '../../../src/engine/config/types';

function resolved(value: object): ExperimentConfig {
  const r = validateConfigValue(value, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
}

const small = () => resolved({
  training: { iterations: 25, population_size: 7, episode_length: 5, batch_size: 2, dataset: 'mnist' },
  evaluation: { datasets: ['mnist', 'sum'], count: 4, episode_length: 10, batch_size: 1, frequency: 10 },
  model: { vsml_rnn: { layer_specs: [{ type: 'dense', out_size: 4 }, { type: 'dense' }], num_micro_ticks: 3, backward_pass: true } },
});

test('cell-ticks on a hand-computed case', () => {
  const c = estimateCost(small(), 6, 3);
  // layers 6 -> 4 -> 3: 6*4 + 4*3 = 36 cells; 3 micro ticks, doubled by the reverse tick = 6
  assert.deepEqual(c.layerSizes, [6, 4, 3]);
  assert.equal(c.cellsPerNetwork, 36);
  assert.equal(c.ticksPerInnerStep, 6);
  assert.equal(c.rolloutsPerStep, 14); // 7 antithetic pairs
  assert.equal(c.cellTicksPerEpisode, 36 * 6 * 5 * 2); // x T=5 x batch 2 = 2160
  assert.equal(c.cellTicksPerStep, 14 * 2160); // 30240
  assert.equal(c.cellTicksPerEvaluation, 2 * 4 * 36 * 6 * 10); // 2 datasets x 4 episodes x T=10 = 17280
  assert.equal(c.evaluations, 4); // before step 1, steps 10, 20 and the end (25)
  assert.equal(c.cellTicksTotal, 25 * 30240 + (4 + 1) * 17280); // + the untrained LA once = 842400
  const s = estimateSeconds(c, 1000);
  assert.equal(s.perStep, 30.24);
  assert.equal(s.perEvaluation, 17.28);
  assert.equal(s.total, 842.4);
  // a run whose length is a multiple of the frequency evaluates at 0, 100, ..., 600 (7 times)
  const even = small();
  even.training.iterations = 600;
  even.evaluation.frequency = 100;
  assert.equal(estimateCost(even, 6, 3).evaluations, 7);
});

test('evaluation datasets may have their own input size', () => {
  const c = estimateCost(small(), 6, 3, (name) => (name === 'sum' ? { inputSize: 2, numClasses: 3 } : undefined));
  // mnist: 36 cells; sum: 2*4 + 4*3 = 20 cells
  assert.equal(c.cellTicksPerEvaluation, 4 * (36 + 20) * 6 * 10);
});

test('without backward_pass the micro ticks are not doubled', () => {
  const cfg = small();
  cfg.model.vsml_rnn.backward_pass = false;
  assert.equal(estimateCost(cfg, 6, 3).ticksPerInnerStep, 3);
});

test('shapes are inferred from the config for editor hints (7x7 MNIST, 10 classes)', () => {
  const cfg = resolved({ training: { episode_length: 50, population_size: 128 }, data: { preprocess: { resize: [7, 7] } }, evaluation: { datasets: ['mnist', 'random'], count: 16, episode_length: 50 } });
  const c = estimateConfigCost(cfg)!;
  assert.deepEqual(c.layerSizes, [49, 10]);
  assert.equal(c.cellTicksPerStep, 256 * 490 * 2 * 50); // 12,544,000
  assert.equal(estimateConfigCost(resolved({ training: { dataset: 'idx:/somewhere' } })), undefined, 'unknown shape: no estimate');
});

test('bad speeds and sizes are refused', () => {
  assert.throws(() => estimateSeconds(estimateCost(small(), 6, 3), 0), /positive/);
  assert.throws(() => estimateCost(small(), 0, 3), /inputSize/);
});

test('truncated ES pays K of T steps per meta-step; evaluation.lengths adds up its lengths', () => {
  const cfg = small();
  cfg.optimizer.truncation = 2; // T = 5: slices of 2, 2, 1
  cfg.evaluation.lengths = [10, 30];
  const c = estimateCost(cfg, 6, 3);
  assert.equal(c.cellTicksPerEpisode, 36 * 6 * 5 * 2);
  assert.equal(c.cellTicksPerStep, 14 * 36 * 6 * 2 * 2); // 14 rollouts x K=2 steps x batch 2
  assert.equal(c.cellTicksPerEvaluation, 2 * 4 * 36 * 6 * (10 + 30));
});
