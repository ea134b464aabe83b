import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateConfigCost, estimateCost, estimateSeconds } from '../../../src/engine/config/cost';
import { DEFAULT_SPEEDS } from '../../../src/engine/config/speed';
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
  assert.deepEqual(c.networks.map((n) => n.layerSizes), [[6, 4, 3]]);
  assert.equal(c.networks[0].cells, 36);
  assert.equal(c.unit, 'cell-ticks');
  assert.equal(c.stepKind, 'vsml');
  assert.equal(c.ticksPerInnerStep, 6);
  assert.equal(c.rolloutsPerStep, 14); // 7 antithetic pairs
  assert.equal(c.workPerEpisode, 36 * 6 * 5 * 2); // x T=5 x batch 2 = 2160
  assert.equal(c.workPerStep, 14 * 2160); // 30240
  assert.equal(c.workPerEvaluation, 2 * 4 * 36 * 6 * 10); // 2 datasets x 4 episodes x T=10 = 17280
  assert.equal(c.evaluations, 4); // before step 1, steps 10, 20 and the end (25)
  assert.equal(c.workTotal, 25 * 30240 + (4 + 1) * 17280); // + the untrained LA once = 842400
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
  assert.equal(c.workPerEvaluation, 4 * (36 + 20) * 6 * 10);
});

test('without backward_pass the micro ticks are not doubled', () => {
  const cfg = small();
  cfg.model.vsml_rnn.backward_pass = false;
  assert.equal(estimateCost(cfg, 6, 3).ticksPerInnerStep, 3);
});

test('shapes are inferred from the config for editor hints (7x7 MNIST, 10 classes)', () => {
  const cfg = resolved({ training: { episode_length: 50, population_size: 128 }, data: { preprocess: { resize: [7, 7] } }, evaluation: { datasets: ['mnist', 'random'], count: 16, episode_length: 50 } });
  const c = estimateConfigCost(cfg)!;
  assert.deepEqual(c.networks[0].layerSizes, [49, 10]);
  assert.equal(c.workPerStep, 256 * 490 * 2 * 50); // 12,544,000
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
  assert.equal(c.workPerEpisode, 36 * 6 * 5 * 2);
  assert.equal(c.workPerStep, 14 * 36 * 6 * 2 * 2); // 14 rollouts x K=2 steps x batch 2
  assert.equal(c.workPerEvaluation, 2 * 4 * 36 * 6 * (10 + 30));
});

test('a baseline is priced by its multiply-adds per inner step, with its own speed; its fixed size evaluates every dataset', () => {
  const cfg = small();
  cfg.model.type = 'MetaRNN';
  cfg.model.meta_rnn = { slow_size: 4, num_micro_ticks: 2, tanh_bound: 100 };
  const c = estimateCost(cfg, 3, 2, () => ({ inputSize: 99, numClasses: 7 }));
  // fed input 3 + 2*2 = 7: 7*16 + 2 ticks * 4*16 + 4*2 = 248 multiply-adds per inner step and batch member
  assert.equal(c.unit, 'multiply-adds');
  assert.equal(c.stepKind, 'metarnn');
  assert.equal(c.evalKind, 'metarnn');
  assert.deepEqual(c.networks.map((n) => [n.layerSizes, n.workPerInnerStep]), [[[3, 2], 248]]);
  assert.equal(c.ticksPerInnerStep, undefined);
  assert.equal(c.workPerStep, 14 * 5 * 2 * 248); // 14 rollouts x T=5 x batch 2
  assert.equal(c.workPerEvaluation, 2 * 4 * 10 * 248); // 2 datasets x 4 episodes x T=10, both on the learner's own sizes
  const s = estimateSeconds(c, DEFAULT_SPEEDS.metarnn.perSecond);
  assert.ok(Math.abs(s.total - c.workTotal / 3.5e8) < 1e-12);
  assert.equal(DEFAULT_SPEEDS.metarnn.origin, 'assumed 350 M multiply-adds/s: no MetaRNN run measured yet');

  cfg.model.type = 'HebbianFW';
  assert.equal(estimateCost(cfg, 3, 2).networks[0].workPerInnerStep, 41); // 3*2 + 2*7*2 + 7*2/2 (batch 2)
  cfg.model.type = 'FWMemory';
  cfg.model.fw_memory = { slow_size: 4, memory_size: 2, tanh_bound: 100 };
  const fwm = estimateCost(cfg, 3, 2);
  assert.equal(fwm.stepKind, 'fwm');
  assert.equal(fwm.networks[0].workPerInnerStep, 268);
});

test('a task mix prices the expected meta-step over its network sizes, weighted', () => {
  const cfg = resolved({
    training: {
      iterations: 10, population_size: 4, episode_length: 10, batch_size: 1,
      tasks: [{ dataset: 'mnist', resize: [7, 7], weight: 3 }, { dataset: 'mnist', resize: [14, 14], filter_classes: [0, 1, 2, 3, 4], weight: 1 }],
    },
    evaluation: { datasets: [] },
    model: { vsml_rnn: { layer_specs: [{ type: 'dense' }], num_micro_ticks: 2, backward_pass: false } },
  });
  const c = estimateConfigCost(cfg)!;
  // 49 -> 10: 490 cells, 3/4 of the pairs; 196 -> 5: 980 cells, 1/4; 2 ticks each
  assert.deepEqual(c.networks.map((n) => [n.layerSizes, n.share, n.workPerInnerStep]), [[[49, 10], 0.75, 980], [[196, 5], 0.25, 1960]]);
  assert.equal(c.workPerInnerStep, 0.75 * 980 + 0.25 * 1960);
  assert.equal(c.workPerStep, 8 * 10 * (0.75 * 980 + 0.25 * 1960));

  // a mixture of datasets: each episode from one of them, by dataset_weights
  const mix = resolved({
    training: { iterations: 10, population_size: 4, episode_length: 10, batch_size: 1, dataset: ['mnist', 'sum'], dataset_weights: [1, 3] },
    evaluation: { datasets: [] }, data: { preprocess: { resize: [7, 7] } },
    model: { vsml_rnn: { layer_specs: [{ type: 'dense' }], num_micro_ticks: 1, backward_pass: false } },
  });
  const m = estimateConfigCost(mix)!;
  assert.deepEqual(m.networks.map((n) => [n.layerSizes, n.share]), [[[49, 10], 0.25], [[49, 2], 0.75]]);
  assert.equal(m.workPerStep, 8 * 10 * (0.25 * 490 + 0.75 * 98));
});

test('training.episode_lengths: the mean T prices the step, the range is shown; truncated ES runs episode_length only', () => {
  const cfg = small();
  cfg.training.episode_lengths = [10, 20, 60];
  const c = estimateCost(cfg, 6, 3);
  assert.deepEqual(c.episodeLength, { mean: 30, min: 10, max: 60 });
  assert.equal(c.workPerStep, 14 * 30 * 2 * 216); // 36 cells x 6 ticks = 216
  assert.deepEqual(c.workPerStepRange, { min: 14 * 10 * 2 * 216, max: 14 * 60 * 2 * 216 });
  assert.equal(c.workTotal, 25 * c.workPerStep + 5 * c.workPerEvaluation);
  cfg.optimizer.truncation = 4; // persistent ES: episode_length (5) only, slices of 4
  const pes = estimateCost(cfg, 6, 3);
  assert.deepEqual(pes.episodeLength, { mean: 5, min: 5, max: 5 });
  assert.equal(pes.workPerStep, 14 * 4 * 2 * 216);
});

test('backprop: meta_batch_size episodes forward+backward per step at the gradient path\'s speed; evaluations at the forward speed', () => {
  const cfg = small();
  cfg.optimizer.type = 'backprop';
  cfg.optimizer.meta_batch_size = 3;
  cfg.optimizer.truncation = 2; // truncated BPTT still differentiates every step
  cfg.training.episode_lengths = [4, 8];
  const c = estimateCost(cfg, 6, 3);
  assert.equal(c.stepKind, 'vsml-backprop-native');
  assert.equal(c.evalKind, 'vsml');
  assert.equal(c.unit, 'cell-ticks');
  assert.equal(c.rolloutsPerStep, 3);
  assert.equal(c.workPerStep, 3 * 6 * 2 * 216); // mean T = 6, batch 2
  const s = estimateSeconds(c, 1e6, 5e6);
  assert.equal(s.perStep, c.workPerStep / 1e6);
  assert.equal(s.perEvaluation, c.workPerEvaluation / 5e6);
  assert.equal(s.total, (25 * c.workPerStep) / 1e6 + c.evalWorkTotal / 5e6);
  // engine.gradient: tfjs, or auto without the addon or with layer norm
  assert.equal(estimateCost(cfg, 6, 3, undefined, { nativeGradient: false }).stepKind, 'vsml-backprop-tfjs');
  cfg.engine.gradient = 'tfjs';
  assert.equal(estimateCost(cfg, 6, 3).stepKind, 'vsml-backprop-tfjs');
  cfg.engine.gradient = 'auto';
  cfg.model.sub_rnn.layer_norm = true;
  assert.equal(estimateCost(cfg, 6, 3).stepKind, 'vsml-backprop-tfjs');
  // the same config as ES: 14 forward rollouts per step, the forward speed
  const es = small();
  es.training.episode_lengths = [4, 8];
  assert.equal(estimateCost(es, 6, 3).workPerStep, 14 * 6 * 2 * 216);
  assert.equal(DEFAULT_SPEEDS['vsml-backprop-native'].origin, 'assumed 1 M cell-ticks/s forward+backward: no backprop run measured yet');
});
