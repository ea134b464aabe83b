import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText } from '../../../src/engine/config/load-config';
import { invalidConfigLens, trainRefusal } from '../../../src/extension/diagnostics/train-gate';
import { plainText } from '../../../src/extension/plain-text';

const faulty = '{ "training": { "population_size": "many" }, "model": { "no_such_option": 1 } }';

test('an invalid config gets an error lens instead of Train, counting its errors and listing them in the tooltip', () => {
  const r = validateConfigText(faulty, 'x.vsml.json');
  assert.equal(r.ok, false);
  const lens = invalidConfigLens(r.issues);
  assert.equal(lens.title, '$(error) 2 errors in this config: fix them to train (Problems panel)');
  assert.match(lens.tooltip, /^training\.population_size: `training\.population_size` must be a whole number/);
  assert.match(lens.tooltip, /\nmodel\.no_such_option: unknown key `no_such_option` in `model`/);
});

test('Train refused: the notification says why and points to Problems', () => {
  const errors = validateConfigText(faulty, 'x.vsml.json').issues;
  assert.equal(trainRefusal('x.vsml.json', errors),
    'VS-ML: training not started: x.vsml.json has 2 errors. `training.population_size` must be a whole number, got string "many" (and 1 more). See the Problems panel.');
  const unknown = validateConfigText('{ "model": { "no_such_option": 1 } }', 'x.vsml.json').issues;
  assert.match(trainRefusal('x.vsml.json', unknown), /has 1 error\. model\.no_such_option: unknown key `no_such_option` in `model`/);
});

test('workspace text cannot put a link or control characters into a notification', () => {
  const text = '{ "training": { "dataset": "[click](https://example.invalid)\\u0007\\u202e" } }';
  // run-commands shows it with notify.ts's showError, which passes it through plainText
  const msg = plainText(trainRefusal('x.vsml.json', validateConfigText(text, 'x.vsml.json').issues));
  assert.match(msg, /is not a dataset/);
  assert.doesNotMatch(msg, /\]\(/);
  assert.doesNotMatch(msg, /[\u0000-\u001f]/);
});
