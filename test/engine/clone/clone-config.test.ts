import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { cellRuleFromConfig, cloneConfigIssues } from '../../../src/engine/clone/clone-config';
import { REPO_ROOT } from '../../helpers/paths';

const example = (name: string) => {
  const raw = parseJsonc(readFileSync(join(REPO_ROOT, 'examples', name), 'utf8'));
  delete raw.$schema;
  return raw;
};
const resolve = (raw: unknown) => {
  const r = validateConfigValue(raw, 'x.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
};

test('the clone examples carry a clone; their rules are the documented ones', () => {
  for (const name of ['clone.vsml.json', 'clone-deep.vsml.json']) assert.deepEqual(cloneConfigIssues(resolve(example(name)), name), [], name);
  assert.deepEqual(cellRuleFromConfig(resolve(example('clone.vsml.json'))), { gain: 64, lr: 0.023, activation: 'identity' });
  assert.deepEqual(cellRuleFromConfig(resolve(example('clone-deep.vsml.json'))), { gain: 64, lr: 0.023, activation: 'tanh' });
});

test('every model setting a clone cannot run with is one issue naming the field and the fix', () => {
  const raw = example('clone.vsml.json');
  Object.assign(raw.model.vsml_rnn, { backward_pass: false, separate_backward_rnn: false, layerwise_rnns: true, output_idx: 1, feed_label: true });
  raw.model.sub_rnn.layer_norm = true;
  raw.model.sub_rnn.init_rand_proportion = 0;
  raw.clone.teacher = 'deep';
  raw.training.batch_size = 4;
  raw.evaluation.batch_size = 2;
  raw.clone.unroll = 500;
  const issues = cloneConfigIssues(resolve(raw), 'x.vsml.json');
  assert.deepEqual(issues.map((i) => i.path).sort(), [
    'clone.unroll', 'clone.weight_channel', 'evaluation.batch_size', 'model.sub_rnn.layer_norm', 'model.vsml_rnn.backward_pass',
    'model.vsml_rnn.feed_label', 'model.vsml_rnn.layer_specs', 'model.vsml_rnn.layerwise_rnns', 'model.vsml_rnn.output_idx',
    'model.vsml_rnn.separate_backward_rnn', 'training.batch_size',
  ]);
  for (const i of issues) {
    assert.equal(i.file, 'x.vsml.json');
    assert.equal(i.severity, 'error');
    assert.ok(i.message.length > 10 && i.fix.length > 5, JSON.stringify(i));
  }
  assert.match(issues.find((i) => i.path === 'model.vsml_rnn.layer_specs')!.fix, /out_size/);
});

test('an unknown clone key or teacher is a schema error with the usual did-you-mean', () => {
  const raw = example('clone.vsml.json');
  raw.clone.teachr = 'deep';
  const r = validateConfigValue(raw, 'x.vsml.json');
  assert.ok(!r.ok);
  assert.match(JSON.stringify(r.issues), /teacher/);
  const raw2 = example('clone.vsml.json');
  raw2.clone.teacher = 'medium';
  const r2 = validateConfigValue(raw2, 'x.vsml.json');
  assert.ok(!r2.ok);
  assert.equal(r2.issues[0].path, 'clone.teacher');
});
