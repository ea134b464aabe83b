import { test } from 'node:test';
import assert from 'node:assert/strict';
import { issueRange } from '../../../src/engine/config/text-range';
import { validateConfigText } from '../../../src/engine/config/load-config';

const TEXT = `{
  // comment
  "training": { "populaton_size": 8, "episode_length": "50" },
  "model": { "vsml_rnn": { "layer_specs": [ { "type": "dense" }, { "type": "dense" } ] }, "sub_rnn": { "msg_size": 4 } }
}
`;

test('issues map to the text they are about', () => {
  const r = validateConfigText(TEXT, 'x.vsml.json');
  const at = (path: string) => {
    const issue = r.issues.find((i) => i.path === path);
    assert.ok(issue, `no issue at ${path}: ${JSON.stringify(r.issues)}`);
    const { offset, length } = issueRange(TEXT, issue);
    return TEXT.slice(offset, offset + length);
  };
  assert.equal(at('training.populaton_size'), '"populaton_size"', 'an unknown key highlights the key');
  assert.equal(at('training.episode_length'), '"50"', 'a wrong value highlights the value');
  assert.equal(at('model.vsml_rnn.layer_specs[0]'), '{ "type": "dense" }', 'an array entry highlights the entry');
});

test('a field that is absent (its default was used) maps to its nearest enclosing field', () => {
  const text = '{ "model": { "sub_rnn": { "msg_size": 1 } } }';
  const r = validateConfigText(text, 'x');
  const issue = r.issues[0];
  assert.equal(issue.path, 'model.sub_rnn.msg_size');
  const { offset, length } = issueRange(text, issue);
  assert.equal(text.slice(offset, offset + length), '1');
  const fake = { ...issue, pointer: ['model', 'vsml_rnn', 'output_idx'] };
  const r2 = issueRange(text, fake);
  assert.equal(text.slice(r2.offset, r2.offset + r2.length), '"model"');
});

test('parse errors carry their own position', () => {
  const text = '{ "seed": 42 "x": 1 }';
  const r = validateConfigText(text, 'x');
  const { offset } = issueRange(text, r.issues[0]);
  assert.equal(text.slice(offset, offset + 3), '"x"');
});
