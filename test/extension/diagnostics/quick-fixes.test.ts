import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from 'jsonc-parser';
import { validateConfigText } from '../../../src/engine/config/load-config';
import { quickFixes } from '../../../src/extension/diagnostics/quick-fixes';

/** Applies the first fix for the first error and returns the new text's issues. */
function fixFirst(text: string): { text: string; codes: string[]; title: string } {
  const issue = validateConfigText(text, 'x.vsml.json').issues.find((i) => i.severity === 'error');
  assert.ok(issue, 'the input has an error');
  const fixes = quickFixes(text, issue.code, issue.pointer);
  assert.ok(fixes.length > 0, `a fix for ${issue.code}`);
  const out = applyEdits(text, [...fixes[0].edits]);
  return { text: out, codes: validateConfigText(out, 'x.vsml.json').issues.map((i) => i.code), title: fixes[0].title };
}

describe('quick fixes', () => {
  it('output_idx outside the message -> 1, keeping comments', () => {
    const r = fixFirst('{\n  // keep me\n  "model": { "vsml_rnn": { "output_idx": 9 } }\n}');
    assert.match(r.text, /\/\/ keep me/);
    assert.match(r.text, /"output_idx": 1/);
    assert.deepEqual(r.codes, []);
  });

  it('a hidden layer without out_size gets one', () => {
    const r = fixFirst('{ "model": { "vsml_rnn": { "layer_specs": [{ "type": "dense" }, { "type": "dense" }] } } }');
    assert.match(r.text, /"out_size": 32/);
    assert.deepEqual(r.codes, []);
  });

  it('an unknown key can be removed (a schema fault the extension now reports itself)', () => {
    const r = fixFirst('{\n  // keep me\n  "model": { "no_such_option": true, "sub_rnn": { "msg_size": 8 } }\n}');
    assert.equal(r.title, 'Remove the unknown key "no_such_option"');
    assert.match(r.text, /\/\/ keep me/);
    assert.doesNotMatch(r.text, /no_such_option/);
    assert.deepEqual(r.codes, []);
  });

  it('has no fix where none is obvious', () => {
    assert.deepEqual(quickFixes('{}', 'dataset-unavailable', ['training', 'dataset']), []);
  });
});
