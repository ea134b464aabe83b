import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configDocumentState } from '../../../src/extension/panels/config-document';

test('a valid config parses (comments allowed) with no problems', () => {
  const s = configDocumentState('{\n  // c\n  "training": { "iterations": 5 }\n}\n', 'a.vsml.json', 3);
  assert.deepEqual(s.value, { training: { iterations: 5 } });
  assert.deepEqual(s.problems, []);
  assert.equal(s.version, 3);
});

test('schema problems name the field with the engine\'s words', () => {
  const s = configDocumentState('{ "training": { "iterations": 0 }, "model": { "sub_rnn": { "msg_size": "8" } } }', 'a.vsml.json', 1);
  const paths = s.problems.map((p) => p.path);
  assert.ok(paths.includes('training.iterations'), paths.join(', '));
  assert.ok(paths.includes('model.sub_rnn.msg_size'), paths.join(', '));
  assert.ok(s.problems.every((p) => p.message.length > 0));
});

test('text that is not JSON gives a parse error with line and column and no value', () => {
  const s = configDocumentState('{\n  "a": 1\n  "b": 2\n}', 'a.vsml.json', 2);
  assert.equal(s.value, null);
  assert.match(s.parseError ?? '', /CommaExpected at 3:3/);
});

test('a byte-order mark is accepted, and nesting too deep for the parser is a parse error, not a stack overflow', () => {
  const bom = configDocumentState('\uFEFF{ "seed": 3 }', 'a.vsml.json', 1);
  assert.deepEqual(bom.value, { seed: 3 });
  assert.equal(bom.parseError, undefined);
  const deep = configDocumentState(`{ "data": ${'['.repeat(100000)}${']'.repeat(100000)} }`, 'a.vsml.json', 1);
  assert.equal(deep.value, null);
  assert.match(deep.parseError ?? '', /nested more than 32 levels deep at line 1/);
});
