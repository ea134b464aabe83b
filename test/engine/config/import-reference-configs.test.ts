import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMPORTED_PROJECTION_POOL, importReferenceConfig, workerTasks } from '../../../src/engine/config/import-reference';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { DatasetCatalog } from '../../../src/engine/config/dataset-facts';
import { REPO_ROOT } from '../../helpers/paths';

// The authors' 19 configs/*.yaml, unchanged (test/fixtures/reference-configs/README.md).
const DIR = join(REPO_ROOT, 'test', 'fixtures', 'reference-configs');
const read = (name: string) => ({ file: `${name}.yaml`, text: readFileSync(join(DIR, `${name}.yaml`), 'utf8') });
/** As `vsml import configs/default.yaml configs/<name>.yaml`. */
const importRef = (name: string) => importReferenceConfig(name === 'default' ? [read('default')] : [read('default'), read(name)]);
/** Every dataset the lab knows is on disk (emnist and kmnist need a download on a fresh machine). */
const catalog: DatasetCatalog = { isDatasetAvailable: () => ({ available: true }) };

const errors = (issues: readonly { severity: string; path: string }[]) => issues.filter((i) => i.severity === 'error').map((i) => i.path);

const IMPORTS_AND_CHECKS = ['backprop', 'backward_pass', 'deep', 'default', 'evaluation', 'invariances', 'no_fashion_mnist', 'pad', 'pretrained', 'rand_proj', 'sgd', 'test'];

for (const name of IMPORTS_AND_CHECKS) {
  test(`configs/${name}.yaml imports without errors and passes validation`, () => {
    const { config, issues } = importRef(name);
    assert.deepEqual(errors(issues), []);
    const r = validateConfigValue({ name, ...config }, `${name}.vsml.json`, { catalog });
    assert.ok(r.ok, JSON.stringify(r.issues.filter((i) => i.severity === 'error')));
  });
}

test('the meta-learner baselines keep the reference\'s model.type and their section\'s keys (the learners of issue 14 read them)', () => {
  const expected: Record<string, [string, string, Record<string, unknown>]> = {
    metarnn: ['MetaRNN', 'meta_rnn', { slow_size: 128, num_micro_ticks: 2, tanh_bound: 100 }],
    hebbian: ['HebbianFW', 'hebbian_fw', { use_oja: true, tanh_bound: 100 }],
    fwmemory: ['FWMemory', 'fw_memory', { slow_size: 32, memory_size: 16, tanh_bound: 100 }],
  };
  for (const [name, [type, section, keys]] of Object.entries(expected)) {
    const { config, issues } = importRef(name);
    assert.deepEqual(errors(issues), [], name);
    const model = config.model as Record<string, unknown>;
    assert.equal(model.type, type);
    assert.deepEqual(model[section], keys, `${name}: use_conv False is dropped, the rest kept`);
    for (const other of Object.values(expected).map((e) => e[1]).filter((s) => s !== section)) assert.equal(model[other], undefined);
  }
});

test('conv, cifar10, omniglot and sgd_omniglot are refused, naming what is missing', () => {
  const conv = importRef('conv').issues.filter((i) => i.severity === 'error');
  assert.deepEqual(conv.map((i) => i.path), ['model.vsml_rnn.layer_specs[0]']);
  assert.match(conv[0].message, /conv layer; only dense VSML layers are supported/);
  const cifar = importRef('cifar10').issues.filter((i) => i.severity === 'error');
  assert.deepEqual(cifar.map((i) => i.path), ['training.dataset']);
  assert.match(cifar[0].message, /CIFAR-10 needs a loader for its 32x32 colour images and the conv VSML layers/);
  const omni = importRef('omniglot').issues.filter((i) => i.severity === 'error');
  assert.deepEqual(omni.map((i) => i.path).sort(), ['evaluation.datasets', 'training.dataset']);
  assert.match(omni[0].message, /few-shot episode builder/);
  const sgdOmni = importRef('sgd_omniglot').issues.filter((i) => i.severity === 'error');
  assert.deepEqual(sgdOmni.map((i) => i.path).sort(), ['evaluation.datasets', 'model.sgd.use_conv']);
});

test('invariances.yaml: the per-worker rand_proj x resize x class subsets become one task per worker configuration', () => {
  const { config } = importRef('invariances');
  const r = validateConfigValue({ name: 'inv', ...config }, 'inv.vsml.json', { catalog });
  assert.ok(r.ok);
  const tasks = r.config.training.tasks!;
  // launch.py: rank r takes rand_proj[r % 2], resize[(r / 2) % 3], filter_classes[(r / 6) % 12]: 72 distinct workers in a period
  assert.equal(tasks.length, 72);
  assert.deepEqual(tasks[0], { filter_classes: [6, 2, 3], resize: null, rand_proj: false, weight: 1 });
  assert.deepEqual(tasks[3], { filter_classes: [6, 2, 3], resize: [14, 14], rand_proj: true, weight: 1 });
  assert.deepEqual(tasks[71], { filter_classes: [3, 6, 2, 9, 1, 0, 8], resize: [32, 32], rand_proj: true, weight: 1 });
  assert.equal(new Set(tasks.map((t) => JSON.stringify(t.filter_classes))).size, 12);
  assert.equal(r.config.data.preprocess.rand_proj_pool, IMPORTED_PROJECTION_POOL);
  assert.equal(r.config.training.population_size, 1024);
});

test('rand_proj.yaml and a dataset split: a mixture, and a pool projecting half the episodes', () => {
  const rp = validateConfigValue({ name: 'rp', ...importRef('rand_proj').config }, 'rp', { catalog });
  assert.ok(rp.ok);
  assert.deepEqual([rp.config.data.preprocess.rand_proj, rp.config.data.preprocess.rand_proj_pool, rp.config.data.preprocess.rand_proj_share], [true, IMPORTED_PROJECTION_POOL, 0.5]);
  const nf = validateConfigValue({ name: 'nf', ...importRef('no_fashion_mnist').config }, 'nf', { catalog });
  assert.ok(nf.ok);
  assert.deepEqual(nf.config.training.dataset, ['mnist', 'random', 'emnist', 'kmnist']);
  assert.equal(nf.config.data.preprocess.rand_proj_share, 0.5);
  assert.equal(nf.config.training.tasks, null);
});

test('workerTasks merges identical worker configurations into weights', () => {
  const t = workerTasks([{ key: 'training.dataset', options: ['mnist', 'random'], repeat: 1 }, { key: 'data.preprocess.resize', options: [null], repeat: 1 }]);
  assert.deepEqual(t, [{ task: { dataset: 'mnist', resize: null }, weight: 1 }, { task: { dataset: 'random', resize: null }, weight: 1 }]);
  const w = workerTasks([{ key: 'data.filter_classes', options: [[0, 1], [0, 1], [2, 3]], repeat: 1 }]);
  assert.deepEqual(w, [{ task: { filter_classes: [0, 1] }, weight: 2 }, { task: { filter_classes: [2, 3] }, weight: 1 }]);
});
