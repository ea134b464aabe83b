import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText } from '../../../src/engine/config/load-config';
import { configDiagnostics, positionAt } from '../../../src/extension/diagnostics/diagnostic-data';

const broken = `// comment line
{
  "name": "broken",
  "model": {
    "sub_rnn": { "msg_size": 8 },
    "vsml_rnn": { "output_idx": 9 }
  }
}
`;

describe('config diagnostics', () => {
  it('counts positions as VS Code does (0-based line, UTF-16 character)', () => {
    assert.deepEqual(positionAt('ab\ncd', 0), { line: 0, character: 0 });
    assert.deepEqual(positionAt('ab\ncd', 4), { line: 1, character: 1 });
    assert.deepEqual(positionAt('ab', 99), { line: 0, character: 2 });
  });

  it('puts a semantic issue on the value it names, with the engine\'s words and code', () => {
    const issues = validateConfigText(broken, 'broken.vsml.json').issues;
    const diags = configDiagnostics(broken, issues);
    assert.equal(diags.length, 1);
    const d = diags[0];
    assert.equal(d.code, 'output-idx-outside-message');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.pointer, ['model', 'vsml_rnn', 'output_idx']);
    // line 5: `    "vsml_rnn": { "output_idx": 9 }` -> the `9`
    const line = broken.split('\n')[5];
    assert.deepEqual(d.start, { line: 5, character: line.indexOf('9') });
    assert.deepEqual(d.end, { line: 5, character: line.indexOf('9') + 1 });
    assert.match(d.message, /^`model\.vsml_rnn\.output_idx` is 9.*\(fix: use an output_idx in \[0, 7\]/);
  });

  it('leaves schema and parse errors to VS Code\'s JSON support (no duplicates)', () => {
    const typeError = '{ "training": { "iterations": "many" } }';
    assert.ok(validateConfigText(typeError, 'x.vsml.json').issues.some((i) => i.code === 'type'));
    assert.deepEqual(configDiagnostics(typeError, validateConfigText(typeError, 'x.vsml.json').issues), []);
    const parseError = '{ "name": "x", }}';
    assert.deepEqual(configDiagnostics(parseError, validateConfigText(parseError, 'x.vsml.json').issues), []);
  });

  it('reports a dataset that is not available offline through the injected catalog', () => {
    const text = '{ "training": { "dataset": "kmnist" }, "evaluation": { "datasets": ["mnist"] } }';
    const catalog = { isDatasetAvailable: (n: string) => (n === 'kmnist' ? { available: false, reason: 'not downloaded', fix: 'fetch it' } : { available: true }) };
    const diags = configDiagnostics(text, validateConfigText(text, 'x.vsml.json', { catalog }).issues);
    const d = diags.find((x) => x.code === 'dataset-unavailable');
    assert.ok(d, JSON.stringify(diags));
    assert.equal(text.slice(d.start.character, d.end.character), '"kmnist"');
  });
});
