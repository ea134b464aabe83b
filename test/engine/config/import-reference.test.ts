import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importReferenceConfig, importReferenceFiles } from '../../../src/engine/config/import-reference';
import { validateConfigValue } from '../../../src/engine/config/load-config';

// The authors' configs/default.yaml and configs/deep.yaml, retyped from reading them
// (same keys and values; some maps in flow style).
const DEFAULT_YAML = `
seed: 42
call: train
summary: {frequency: 100}
checkpoint:
  frequency: 500
  with_step: False
  restore: {run_path: null, file_name: model.chkp}
training:
  iterations: 10001
  dataset: mnist
  batch_size: 1
  episode_length: 500
  population_size: 1024
  loss_type: mean
evaluation:
  datasets: [mnist, fashion_mnist]
  batch_size: 1
  episode_length: 2000
  frequency: 100
  seed: 22
  subset: test
  count: 1
data:
  shuffle_buffer_size: 10000
  filter_classes: null
  preprocess:
    normalization_mode: dataset_standard
    dataset_stats:
      mnist: {mean: 0.13066047430038452, std: 0.3081078827381134}
      fashion_mnist: {mean: 0.13066047430038452, std: 0.3081078827381134}
      kmnist: {mean: 0.19176216423511505, std: 0.34834328293800354}
      emnist: {mean: 0.1739204376935959, std: 0.3319065570831299}
      random: {mean: 0.0, std: 1.0}
      sum: {mean: 0.0, std: 1.0}
    pad: {input: null, output: null}
    resize: null
    rand_proj: False
    shuffle: False
optimizer:
  type: es
  noise_std: 0.05
  lr: 0.025
  kwargs: {b1: 0.9, b2: 0.999}
  clip_gradnorm: 0
model:
  type: 'VSMLRNN'
  sub_rnn: {msg_size: 8, slow_size: 16, init_rand_proportion: 0.5, layer_norm: False}
  vsml_rnn:
    layer_specs:
      - type: dense
    num_micro_ticks: 2
    tanh_bound: 100
    output_idx: 1
    backward_pass: False
    separate_backward_rnn: False
    feed_label: False
    layerwise_rnns: False
  meta_rnn: {slow_size: 128, num_micro_ticks: 2, tanh_bound: 100, use_conv: False}
  hebbian_fw: {use_oja: False, use_conv: False, tanh_bound: 100}
  sgd: {num_layers: 1, hidden_size: 160, tanh_bound: 100, optimizer: 'sgd', lr: 0.01, use_conv: False}
  fwp: {fast_size: 64, tanh_bound: 100}
  fw_memory: {slow_size: 32, memory_size: 16, tanh_bound: 100, use_conv: False}
random_dataset: {size: 20, target_count: 10, img_size: [28, 28, 1]}
omniglot_fewshot_dataset: {num_classes: 5, resize: null, rotate: False, test_last: False}
sum_dataset: {input_size: [28, 28, 1]}
`;

const DEEP_YAML = `
model:
  vsml_rnn:
    layer_specs:
      - {type: dense, out_size: 32}
      - {type: dense}
    backward_pass: False
    layerwise_rnns: False
    feed_label: True
  sub_rnn:
    layer_norm: True
`;

test('default.yaml imports one to one and validates; inert sections become info issues, not silence', () => {
  const { config, issues } = importReferenceConfig([{ file: 'default.yaml', text: DEFAULT_YAML }]);
  const r = validateConfigValue(config, 'default.yaml');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const c = r.config;
  assert.equal(c.seed, 42);
  assert.equal(c.training.population_size, 1024);
  assert.equal(c.training.iterations, 10001);
  assert.deepEqual(c.evaluation.datasets, ['mnist', 'fashion_mnist']);
  assert.equal(c.optimizer.lr, 0.025);
  assert.equal(c.model.type, 'VSMLRNN');
  assert.deepEqual(c.model.vsml_rnn.layer_specs, [{ type: 'dense' }]);
  assert.equal(c.data.preprocess.dataset_stats.kmnist.mean, 0.19176216423511505);
  assert.equal(c.baselines.hidden_size, 160);
  assert.deepEqual(c.random_dataset.img_size, [28, 28, 1]);

  assert.ok(issues.every((i) => i.severity === 'info'), JSON.stringify(issues.filter((i) => i.severity !== 'info')));
  const paths = issues.map((i) => i.path).sort();
  for (const p of ['model.meta_rnn', 'model.hebbian_fw', 'model.sgd', 'model.fwp', 'model.fw_memory', 'omniglot_fewshot_dataset',
    'data.shuffle_buffer_size', 'checkpoint.with_step']) assert.ok(paths.includes(p), `${p} in ${paths}`);
  for (const i of issues) {
    assert.equal(i.file, 'default.yaml');
    assert.equal(i.code, 'import');
  }
});

test('deep.yaml merged on top of default.yaml', () => {
  const { config, issues } = importReferenceConfig([{ file: 'default.yaml', text: DEFAULT_YAML }, { file: 'deep.yaml', text: DEEP_YAML }]);
  const r = validateConfigValue(config, 'deep.yaml');
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.model.vsml_rnn.layer_specs, [{ type: 'dense', out_size: 32 }, { type: 'dense' }]);
  assert.equal(r.config.model.vsml_rnn.feed_label, true);
  assert.equal(r.config.model.sub_rnn.layer_norm, true);
  assert.equal(r.config.model.sub_rnn.msg_size, 8, 'keys the override does not name keep default.yaml\'s values');
  assert.ok(issues.every((i) => i.severity === 'info'));
  assert.equal(issues.find((i) => i.path === 'model.meta_rnn')?.file, 'default.yaml', 'issues name the file that set the key');
});

test('unsupported model types, conv layers and unknown optimizer types are errors; a dataset split is a mixture (warning), a rand_proj split a pool (info)', () => {
  const { issues, config } = importReferenceConfig([
    DEFAULT_YAML,
    'model:\n  type: FWP\n  vsml_rnn:\n    layer_specs:\n      - {type: conv, kernel_size: 3, stride: 2, out_channels: 8}\n      - {type: dense}\n',
    'optimizer: {type: lbfgs}\ntraining:\n  dataset: {mpi_repeat: 2, mpi_split: [mnist, random]}\ndata:\n  preprocess:\n    rand_proj: {mpi_split: [False, True]}\n',
  ]);
  const errors = issues.filter((i) => i.severity === 'error').map((i) => i.path).sort();
  assert.deepEqual(errors, ['model.type', 'model.vsml_rnn.layer_specs[0]', 'optimizer.type']);
  const warnings = issues.filter((i) => i.severity === 'warning').map((i) => i.path).sort();
  assert.deepEqual(warnings, ['training.dataset']);
  assert.match(issues.find((i) => i.path === 'model.type')!.message, /"FWP" is not supported yet/);
  assert.match(issues.find((i) => i.path === 'data.preprocess.rand_proj')!.message, /became a pool of 16 seeded projections drawn per episode/);
  assert.deepEqual((config.data as { preprocess: Record<string, unknown> }).preprocess.rand_proj_share, 0.5);
});

// The authors' configs/backprop.yaml, in its shape: gradient-based meta-training on top of default.yaml.
const BACKPROP_YAML = `
optimizer:
  type: sgd
  kwargs:
    b2: 0.999
  lr: 1.e-3
  clip_gradnorm: 25.0

training:
  episode_length: 500
  population_size: 128

model:
  sub_rnn:
    layer_norm: True
`;

test('configs/backprop.yaml maps to the backprop meta-optimizer: population_size sequences become meta_batch_size', () => {
  const { config, issues } = importReferenceConfig([{ file: 'default.yaml', text: DEFAULT_YAML }, { file: 'backprop.yaml', text: BACKPROP_YAML }]);
  assert.deepEqual(issues.filter((i) => i.severity !== 'info'), []);
  const r = validateConfigValue(config, 'backprop.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const o = r.config.optimizer;
  assert.equal(o.type, 'backprop');
  assert.equal(o.meta_batch_size, 128);
  assert.equal(o.lr, 1e-3);
  assert.equal(o.clip_gradnorm, 25);
  assert.deepEqual(o.kwargs, { b1: 0.9, b2: 0.999 }, 'b1 from default.yaml, b2 from backprop.yaml');
  assert.equal(o.truncation, 0, 'whole episodes, as the reference');
  assert.equal((config.optimizer as Record<string, unknown>).noise_std, undefined, 'the ES noise of default.yaml is inert here and not carried over');
  assert.equal(r.config.training.episode_length, 500);
  assert.equal(r.config.model.sub_rnn.layer_norm, true);
  const note = issues.find((i) => i.path === 'optimizer.type');
  assert.equal(note?.file, 'backprop.yaml');
  assert.match(note!.message, /became "backprop".*population_size \(128 sequences per update\) became optimizer.meta_batch_size/);
  assert.match(note!.fix, /optimizer.truncation/);
  // without a population_size anywhere, meta_batch_size keeps its default
  const alone = importReferenceConfig(['optimizer: {type: sgd}\n']);
  assert.equal((alone.config.optimizer as Record<string, unknown>).meta_batch_size, undefined);
  assert.equal((alone.config.optimizer as Record<string, unknown>).type, 'backprop');
});

test('a mixture from mpi_split, unknown keys and dotted keys', () => {
  const { config, issues } = importReferenceConfig([
    'training:\n  dataset: {mpi_repeat: 2, mpi_split: [mnist, random]}\n  fancy_knob: 3\ntraining.population_size: 64\n',
  ]);
  const r = validateConfigValue(config, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.training.dataset, ['mnist', 'random']);
  assert.equal(r.config.training.population_size, 64);
  const unknown = issues.find((i) => i.path === 'training.fancy_knob');
  assert.equal(unknown?.severity, 'warning');
});

test('bad YAML is one parse issue with a line', () => {
  const { issues } = importReferenceConfig([{ file: 'bad.yaml', text: 'training:\n  dataset: [mnist\n' }]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].code, 'parse');
  assert.match(issues[0].message, /invalid YAML at line \d+/);
});

test('importReferenceFiles (what `vsml import` calls) prints JSON that validates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-import-'));
  writeFileSync(join(dir, 'default.yaml'), DEFAULT_YAML);
  writeFileSync(join(dir, 'deep.yaml'), DEEP_YAML);
  const r = await importReferenceFiles([join(dir, 'default.yaml'), join(dir, 'deep.yaml')], { schemaRef: '../schemas/experiment.schema.json' });
  assert.ok(r.ok, JSON.stringify(r.issues));
  const json = JSON.parse(r.text);
  assert.equal(Object.keys(json)[0], '$schema');
  assert.equal(json.name, 'deep');
  assert.ok(validateConfigValue(json, 'deep.vsml.json').ok);
  const missing = await importReferenceFiles([join(dir, 'nope.yaml')]);
  assert.equal(missing.ok, false);
  assert.match(missing.issues[0].message, /cannot read/);
});
