import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIssue, makeIssue, pointerToPath } from '../../../src/engine/config/issues';

test('pointers become dotted paths with bracketed indices', () => {
  assert.equal(pointerToPath(['model', 'vsml_rnn', 'layer_specs', '1', 'out_size']), 'model.vsml_rnn.layer_specs[1].out_size');
  assert.equal(pointerToPath([]), '');
  assert.equal(makeIssue('f', ['evaluation', 'datasets', 2], 'm', 'x', 'c').path, 'evaluation.datasets[2]');
});

test('the CLI line names file, field, problem and fix', () => {
  const i = makeIssue('a.vsml.json', ['training', 'population_size'], 'must be >= 1, got 0', 'use a value >= 1', 'minimum');
  assert.equal(formatIssue(i), 'a.vsml.json: training.population_size: must be >= 1, got 0 (fix: use a value >= 1)');
  const w = makeIssue('a.vsml.json', ['x'], 'no effect', 'remove it', 'no-effect', 'warning');
  assert.equal(formatIssue(w), 'a.vsml.json: x: warning: no effect (fix: remove it)');
  const named = makeIssue('a.vsml.json', ['seed'], '`seed` must be a whole number', 'write 42', 'type');
  assert.equal(formatIssue(named), 'a.vsml.json: `seed` must be a whole number (fix: write 42)');
  const parse = { ...makeIssue('b.json', [], 'invalid JSON', 'add a comma', 'parse'), location: { offset: 5, length: 1, line: 2, column: 3 } };
  assert.equal(formatIssue(parse), 'b.json:2:3: invalid JSON (fix: add a comma)');
});
