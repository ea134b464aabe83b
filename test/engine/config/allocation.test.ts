import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOCATION_LIMITS, allocationIssues, estimateAllocation, formatBytes } from '../../../src/engine/config/allocation';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { paramLayout } from '../../../src/engine/model/param-layout';
import { toModelConfig } from '../../../src/engine/config/to-model-config';
import { estimateConfigCost } from '../../../src/engine/config/cost';
import { nativeTapeBytes, tfjsTapeBytes } from '../../../src/engine/config/gradient-tape';
import { pointerToPath } from '../../../src/engine/config/issues';
import type { ExperimentConfig } from '../../../src/engine/config/types';
import { REPO_ROOT } from '../../helpers/paths';

const example = (): Record<string, any> => JSON.parse(readFileSync(join(REPO_ROOT, 'examples/default.vsml.json'), 'utf8'));

function resolved(): ExperimentConfig {
  const r = validateConfigValue(example(), 'x.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
}

function issuesFor(mutate: (c: Record<string, any>) => void) {
  const c = example();
  mutate(c);
  return validateConfigValue(c, 'x.vsml.json').issues;
}

test('the example allocates a few MiB of arrays and passes; θ is counted as the model lays it out', () => {
  const cfg = resolved();
  const est = estimateAllocation(cfg);
  assert.ok(est.peakBytes > 1e6 && est.peakBytes < 1e9, formatBytes(est.peakBytes));
  const D = paramLayout(toModelConfig(cfg, 10, 49)).size;
  const theta = est.items.find((i) => i.what.startsWith('θ'))!;
  assert.equal(theta.bytes, 4 * D * 8);
  assert.equal(theta.largestArray, D);
  // episodes of a meta-step: 2 x 64 rollouts; inputs [50, 1, 49] float32 twice per pair
  const episodes = est.items.find((i) => i.what.startsWith('episodes'))!;
  assert.ok(episodes.bytes >= 64 * 50 * 49 * 4 * 2);
  // 800 steps of 128 rollouts of 490 cells x 2 ticks x 50 steps; 10 evaluations (steps 0, 100..700, 800, the untrained LA)
  // of 32 episodes on mnist, fashion_mnist, random (490 cells each) and sum (49 x 2 = 98 cells)
  assert.equal(est.work, 800 * 2 * 64 * 490 * 2 * 50 + 10 * 32 * 2 * 50 * (3 * 490 + 98));
  assert.deepEqual(allocationIssues(cfg, 'x'), []);
});

test('the reference defaults (the paper\'s full scale, ~10 GB) stay under the limits', () => {
  const c = example();
  for (const k of ['training', 'evaluation', 'data', 'model', 'baselines']) delete c[k];
  const r = validateConfigValue(c, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const est = estimateAllocation(r.config);
  assert.ok(est.peakBytes > 2 ** 30 && est.peakBytes < ALLOCATION_LIMITS.memoryBytes, formatBytes(est.peakBytes));
});

const cases: [string, (c: Record<string, any>) => void, string, RegExp][] = [
  ['an image resize of 100000x100000', (c) => { c.data.preprocess.resize = [100000, 100000]; }, 'data.preprocess.resize', /would need one array of 7\.00e\+14 elements; the limit is 2\.15e\+9/],
  ['slow_size 100000', (c) => { c.model.sub_rnn.slow_size = 100000; }, 'model.sub_rnn.slow_size', /θ.*would need one array of 4\.\d\de\+10 elements/],
  ['msg_size 1e6', (c) => { c.model.sub_rnn.msg_size = 1e6; }, 'model.sub_rnn.msg_size', /θ/],
  ['an episode length of 1e15', (c) => { c.training.episode_length = 1e15; }, 'training.episode_length', /episodes of one meta-step/],
  ['a population of 1e12', (c) => { c.training.population_size = 1e12; }, 'training.population_size', /would need about \d+ PiB of memory.*the limit is 64\.0 GiB/],
  ['1e15 iterations', (c) => { c.training.iterations = 1e15; }, 'training.iterations', /would take 6\.32e\+21 cell-ticks.*the limit is 1\.00e\+18/],
  ['an evaluation episode length of 1e12', (c) => { c.evaluation.episode_length = 1e12; }, 'evaluation.episode_length', /evaluation episodes of "mnist"/],
  ['1e9 evaluation episodes', (c) => { c.evaluation.count = 1e9; }, 'evaluation.count', /evaluation episodes/],
  ['a hidden layer of 1e6 units', (c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 1e6 }, { type: 'dense' }]; }, 'model.vsml_rnn.layer_specs[0].out_size', /TiB of memory.*LSTM states/],
  ['a baseline MLP of 1e9 units', (c) => { c.baselines.hidden_size = 1e9; }, 'baselines.hidden_size', /baseline MLP/],
  ['a random dataset of 1e9 examples', (c) => { c.evaluation.datasets = ['random']; c.random_dataset = { size: 1e9 }; }, 'random_dataset.size', /"random" preprocessed in memory/],
  ['a random projection of 300x300 images', (c) => { c.data.preprocess.rand_proj = true; c.data.preprocess.resize = [300, 300]; }, 'data.preprocess.rand_proj', /random projection/],
  ['a batch of 1e9', (c) => { c.training.batch_size = 1e9; }, 'training.batch_size', /too large/],
  ['a sum task of 1e5 x 1e5 images', (c) => { c.training.dataset = 'sum'; c.evaluation.datasets = ['sum']; c.data.preprocess.resize = null; c.sum_dataset = { input_size: [100000, 100000, 1] }; }, 'sum_dataset.input_size', /too large/],
];

for (const [what, mutate, path, message] of cases) {
  test(`too large: ${what} is an error at ${path}, saying what it would need and the limit`, () => {
    const issues = issuesFor(mutate);
    const i = issues.find((x) => x.path === path);
    assert.ok(i, JSON.stringify(issues, null, 1));
    assert.equal(i.code, 'too-large');
    assert.equal(i.severity, 'error');
    assert.match(i.message, /^is too large: /);
    assert.match(i.message, message);
    assert.match(i.message, /the limit is/);
    assert.match(i.fix, /`[a-z_.[\]0-9]+`/);
  });
}

test('sizes are judged only on an otherwise valid config (a type error is not followed by a size error)', () => {
  const issues = issuesFor((c) => { c.training.population_size = 'many'; c.data.preprocess.resize = [100000, 100000]; });
  assert.deepEqual(issues.map((i) => i.code), ['type']);
});

test('limits can be passed in: a tight memory limit names the largest buffer', () => {
  const cfg = resolved();
  const [i] = allocationIssues(cfg, 'x', undefined, { ...ALLOCATION_LIMITS, memoryBytes: 1e6 });
  assert.equal(i.code, 'too-large');
  assert.match(i.message, /would need about .* of memory \(.*\); the limit is 977 KiB/);
});

test('formatBytes', () => {
  assert.equal(formatBytes(512), '512 bytes');
  assert.equal(formatBytes(64 * 2 ** 30), '64.0 GiB');
  assert.equal(formatBytes(Infinity), 'more bytes than a number can hold');
});

test('backprop: one episode differentiated at a time and its gradient tape (the kernel\'s, or tfjs autodiff\'s estimate); no ES noise', () => {
  const c = example();
  c.optimizer = { type: 'backprop', meta_batch_size: 4, truncation: 10 };
  c.training.episode_lengths = [20, 50];
  c.engine = { ...c.engine, threads: 1 };
  const r = validateConfigValue(c, 'x.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const est = estimateAllocation(r.config, undefined, { nativeGradient: true });
  assert.equal(est.items.find((i) => i.what.startsWith('ES noise')), undefined);
  assert.ok(est.items.find((i) => i.what.startsWith('the episode being differentiated ([50, 1, 49]')), est.items.map((i) => i.what).join('; '));
  const tape = est.items.find((i) => i.what.startsWith('the gradient tape'))!;
  const vr = r.config.model.vsml_rnn;
  const shape = { layerSizes: [49, 10], slowSize: r.config.model.sub_rnn.slow_size, msgSize: r.config.model.sub_rnn.msg_size, numMicroTicks: vr.num_micro_ticks, backwardPass: vr.backward_pass, batchSize: 1 };
  assert.equal(tape.what, 'the gradient tape of a 10-step slice (kernel reverse pass, float64)');
  assert.equal(tape.bytes, nativeTapeBytes(shape, 10));
  assert.equal(pointerToPath(tape.path), 'optimizer.truncation');
  const tfjs = estimateAllocation(r.config, undefined, { nativeGradient: false }).items.find((i) => i.what.startsWith('the gradient tape'))!;
  assert.equal(tfjs.bytes, tfjsTapeBytes(shape, 10));
  // whole episodes: the longest of episode_lengths
  r.config.optimizer.truncation = 0;
  const whole = estimateAllocation(r.config).items.find((i) => i.what.startsWith('the gradient tape'))!;
  assert.equal(whole.what, 'the gradient tape of a whole 50-step episode (kernel reverse pass, float64)');
  assert.equal(whole.bytes, nativeTapeBytes(shape, 50));

  // the kernel reverse pass runs min(engine.threads, meta_batch_size) episodes at once, each with its tape; tfjs one
  r.config.engine.threads = 3;
  const threaded = estimateAllocation(r.config, undefined, { nativeGradient: true }).items.find((i) => i.what.startsWith('the gradient tape'))!;
  assert.equal(threaded.what, 'the gradient tape of a whole 50-step episode (kernel reverse pass, float64) x 3 gradient threads (one each)');
  assert.equal(threaded.bytes, 3 * nativeTapeBytes(shape, 50));
  r.config.optimizer.meta_batch_size = 2;
  assert.equal(estimateAllocation(r.config, undefined, { nativeGradient: true }).items.find((i) => i.what.startsWith('the gradient tape'))!.bytes, 2 * nativeTapeBytes(shape, 50));
  assert.equal(estimateAllocation(r.config, undefined, { nativeGradient: false }).items.find((i) => i.what.startsWith('the gradient tape'))!.bytes, tfjsTapeBytes(shape, 50));
});

test('a baseline learner: its own θ, no VSML cell states; its work in multiply-adds', () => {
  const c = example();
  c.model = { type: 'MetaRNN', meta_rnn: { slow_size: 8, num_micro_ticks: 2 } };
  const r = validateConfigValue(c, 'x.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const est = estimateAllocation(r.config);
  const D = (49 + 20 + 8) * 32 + 32 + 8 * 10 + 10; // lstm [A + 2C + H, 4H] + b, out [H, C] + b
  assert.equal(est.items.find((i) => i.what.startsWith('θ'))!.bytes, 4 * D * 8);
  assert.equal(est.items.find((i) => i.what.startsWith('LSTM states')), undefined);
  assert.equal(est.cellState, undefined);
  assert.equal(est.work, estimateConfigCost(r.config)!.workTotal);
  assert.equal(estimateConfigCost(r.config)!.unit, 'multiply-adds');
});

test('a task mix: buffers sized for its largest network', () => {
  const c = example();
  c.training.tasks = [{ dataset: 'mnist', resize: [7, 7] }, { dataset: 'mnist', resize: [14, 14] }];
  const r = validateConfigValue(c, 'x.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const est = estimateAllocation(r.config);
  assert.match(est.items.find((i) => i.what.startsWith('LSTM states'))!.what, /for 1960 cells\)$/); // 196 x 10
  assert.match(est.items.find((i) => i.what.startsWith('episodes of one meta-step'))!.what, /\[50, 1, 196\] inputs\)$/);
  assert.equal(est.cellState!.size, 1960 * r.config.model.sub_rnn.slow_size);
});
