import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'jsonc-parser';
import { applyTextEdits, configEdits, formattingOf } from '../../../src/extension/panels/config-edits';

const TEXT = `{
    // four-space indent and a comment
    "name": "x",
    "training": { "iterations": 10 }
}
`;

const apply = (text: string, path: (string | number)[], value: unknown): string => applyTextEdits(text, configEdits(text, path, value));

test('setting a value changes only that value and keeps comments and indentation', () => {
  const out = apply(TEXT, ['training', 'iterations'], 500);
  assert.equal(out, TEXT.replace('"iterations": 10', '"iterations": 500'));
});

test('new keys and sections are inserted with the document indentation; removal deletes the key', () => {
  const out = apply(TEXT, ['model', 'sub_rnn', 'slow_size'], 8);
  const v = parse(out) as { model: { sub_rnn: { slow_size: number } } };
  assert.equal(v.model.sub_rnn.slow_size, 8);
  assert.match(out, /\n {4}"model": \{\n {8}"sub_rnn"/);
  assert.ok(out.includes('// four-space indent'));
  const removed = apply(out, ['name'], undefined);
  assert.equal((parse(removed) as { name?: string }).name, undefined);
  assert.equal(formattingOf(TEXT).tabSize, 4);
});

test('arrays, null and strings round-trip as JSON values', () => {
  let out = apply(TEXT, ['evaluation', 'datasets'], ['mnist', 'kmnist']);
  out = apply(out, ['data', 'filter_classes'], null);
  out = apply(out, ['name'], 'quote " and \\ backslash');
  const v = parse(out) as { evaluation: { datasets: string[] }; data: { filter_classes: null }; name: string };
  assert.deepEqual(v.evaluation.datasets, ['mnist', 'kmnist']);
  assert.equal(v.data.filter_classes, null);
  assert.equal(v.name, 'quote " and \\ backslash');
});

test('an empty document becomes an object; a document that is not an object is refused', () => {
  const out = apply('', ['seed'], 3);
  assert.deepEqual(JSON.parse(out), { seed: 3 });
  assert.throws(() => configEdits('[1, 2]', ['seed'], 3), /not a JSON object/);
  assert.throws(() => configEdits('{ "a": ', ['seed'], 3), /JSON error/);
});
