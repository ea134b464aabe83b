import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experimentSchema, type SchemaNode } from '../../../src/engine/config/schema';
import { validateConfigValue } from '../../../src/engine/config/load-config';

/** Walks every object schema and every property, with its dotted path. */
function walk(node: SchemaNode, path: string, visit: (node: SchemaNode, path: string, isProperty: boolean) => void): void {
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    visit(child, path ? `${path}.${k}` : k, true);
    walk(child, path ? `${path}.${k}` : k, visit);
  }
  if (node.items) walk(node.items.$ref ? experimentSchema.definitions![node.items.$ref.split('/').pop()!] : node.items, `${path}[]`, visit);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties.$ref
    ? experimentSchema.definitions![node.additionalProperties.$ref.split('/').pop()!] : node.additionalProperties, `${path}.*`, visit);
}

// Fields whose absence means something no default can say.
const NO_DEFAULT = new Set(['$schema', 'model.vsml_rnn.layer_specs[].out_size',
  // a task's override absent = the run's own value (training.dataset, data.*)
  ...['dataset', 'filter_classes', 'resize', 'rand_proj', 'shuffle'].map((k) => `training.tasks[].${k}`)]);

test('every field has a description, and a default unless its absence has a meaning of its own', () => {
  let count = 0;
  walk(experimentSchema, '', (node, path, isProperty) => {
    if (!isProperty) return;
    count++;
    assert.ok(node.description && node.description.length > 20, `${path} needs a description`);
    if (!NO_DEFAULT.has(path)) assert.ok(node.default !== undefined, `${path} needs a default`);
  });
  assert.ok(count > 60, `walked ${count} fields`);
});

test('every object rejects unknown keys (dataset_stats is the one map, its entries are strict)', () => {
  const check = (node: SchemaNode, path: string) => {
    if (node.type === 'object') {
      if (path.endsWith('dataset_stats')) assert.equal(typeof node.additionalProperties, 'object', path);
      else assert.equal(node.additionalProperties, false, `${path || 'root'} must have additionalProperties: false`);
    }
  };
  check(experimentSchema, '');
  walk(experimentSchema, '', (n, p) => check(n, p));
  for (const [name, def] of Object.entries(experimentSchema.definitions ?? {})) check(def, `#/definitions/${name}`);
});

test('the resolved empty config holds exactly the schema\'s keys, at the reference\'s defaults', () => {
  const r = validateConfigValue({}, '');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const cfg = r.config;
  const keysOf = (o: object) => Object.keys(o).sort();
  assert.deepEqual(keysOf(cfg), keysOf(experimentSchema.properties!).filter((k) => k !== '$schema'));
  for (const section of ['training', 'evaluation', 'data', 'optimizer', 'model', 'checkpoint', 'summary', 'random_dataset', 'sum_dataset', 'engine', 'baselines', 'clone'] as const) {
    assert.deepEqual(keysOf(cfg[section]), keysOf(experimentSchema.properties![section].properties!), section);
  }
  // the reference's configs/default.yaml values
  assert.equal(cfg.seed, 42);
  assert.equal(cfg.training.population_size, 1024);
  assert.equal(cfg.training.episode_length, 500);
  assert.equal(cfg.training.iterations, 10001);
  assert.equal(cfg.evaluation.episode_length, 2000);
  assert.equal(cfg.optimizer.lr, 0.025);
  assert.equal(cfg.optimizer.noise_std, 0.05);
  assert.equal(cfg.model.sub_rnn.msg_size, 8);
  assert.equal(cfg.model.sub_rnn.slow_size, 16);
  assert.equal(cfg.model.vsml_rnn.output_idx, 1);
  assert.deepEqual(cfg.model.vsml_rnn.layer_specs, [{ type: 'dense' }]);
  assert.equal(cfg.data.preprocess.dataset_stats.mnist.std, 0.3081078827381134);
  // ours
  assert.equal(cfg.optimizer.centered_ranks, false);
  assert.equal(cfg.optimizer.weight_decay, 0);
  assert.equal(cfg.engine.threads, 0);
});
