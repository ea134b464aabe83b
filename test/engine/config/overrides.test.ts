import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, parseOverrideValue, splitOverridePath } from '../../../src/engine/config/overrides';
import { validateConfigValue } from '../../../src/engine/config/load-config';

test('values parse as JSON when they parse, else as strings; Python literals where no string fits', () => {
  assert.equal(parseOverrideValue('128'), 128);
  assert.equal(parseOverrideValue('0.05'), 0.05);
  assert.equal(parseOverrideValue('true'), true);
  assert.deepEqual(parseOverrideValue('[7,7]'), [7, 7]);
  assert.equal(parseOverrideValue('null'), null);
  assert.equal(parseOverrideValue('mnist'), 'mnist');
  assert.equal(parseOverrideValue('"128"'), '128');
  assert.equal(parseOverrideValue('True', ['boolean']), true);
  assert.equal(parseOverrideValue('None', ['array', 'null']), null);
  assert.equal(parseOverrideValue('True', ['string']), 'True');
});

test('paths accept dots and [index]', () => {
  assert.deepEqual(splitOverridePath('model.vsml_rnn.layer_specs[0].out_size'), ['model', 'vsml_rnn', 'layer_specs', '0', 'out_size']);
  assert.deepEqual(splitOverridePath('model.vsml_rnn.layer_specs.0.out_size'), ['model', 'vsml_rnn', 'layer_specs', '0', 'out_size']);
});

test('overrides set values, creating sections from defaults', () => {
  const cfg: Record<string, any> = { training: { population_size: 1024 } };
  const issues = applyOverrides(cfg, [
    'training.population_size=128',
    'training.dataset=["mnist","random"]',
    'data.preprocess.resize=[7,7]',
    'model.vsml_rnn.layer_specs[0].out_size=10',
    'data.preprocess.dataset_stats.mnist.mean=0.5',
    'name=small-run',
  ]);
  assert.deepEqual(issues, []);
  assert.equal(cfg.training.population_size, 128);
  assert.deepEqual(cfg.training.dataset, ['mnist', 'random']);
  assert.deepEqual(cfg.data.preprocess.resize, [7, 7]);
  assert.deepEqual(cfg.model.vsml_rnn.layer_specs, [{ type: 'dense', out_size: 10 }]);
  assert.equal(cfg.data.preprocess.dataset_stats.mnist.mean, 0.5);
  assert.equal(cfg.name, 'small-run');
  const r = validateConfigValue(cfg, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.data.preprocess.dataset_stats.mnist.std, 0.3081078827381134, 'a map entry keeps its other defaults');
});

test('unknown paths, malformed settings and out-of-range indices are errors with a fix', () => {
  const cfg: Record<string, any> = {};
  const [a, b, c, d] = applyOverrides(cfg, [
    'training.populaton_size=8',
    'population_size',
    'model.vsml_rnn.layer_specs[3].out_size=4',
    'seed.x=1',
  ]);
  assert.equal(a.path, 'training.populaton_size');
  assert.match(a.fix, /did you mean `training\.population_size`\?/);
  assert.match(b.message, /not of the form path=value/);
  assert.match(c.message, /has 1 entries, no index 3/);
  assert.match(d.message, /unknown config path `seed\.x`/);
  for (const i of [a, b, c, d]) assert.equal(i.file, '--set');
  assert.deepEqual(cfg.training ?? {}, {}, 'nothing was set by the failing overrides');
});
