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

  it('reports schema faults itself, one diagnostic per fault with the schema keyword as code, and leaves syntax errors to VS Code', () => {
    const text = '{\n  "training": { "population_size": "many" },\n  "model": { "no_such_option": 1 }\n}\n';
    const diags = configDiagnostics(text, validateConfigText(text, 'x.vsml.json').issues);
    assert.deepEqual(diags.map((d) => [d.code, d.path, d.severity]), [
      ['type', 'training.population_size', 'error'],
      ['additionalProperties', 'model.no_such_option', 'error'],
    ]);
    assert.match(diags[0].message, /^`training\.population_size` must be a whole number, got string "many"/);
    assert.match(diags[1].message, /^unknown key `no_such_option` in `model`/);
    assert.equal(text.split('\n')[1].slice(diags[0].start.character, diags[0].end.character), '"many"');
    const parseError = '{ "name": "x", }}';
    assert.deepEqual(configDiagnostics(parseError, validateConfigText(parseError, 'x.vsml.json').issues), []);
  });

  it('reports what VS Code cannot: nesting too deep, sizes too large', () => {
    const deep = `{ "data": ${'['.repeat(5000)}${']'.repeat(5000)} }`;
    assert.deepEqual(configDiagnostics(deep, validateConfigText(deep, 'x.vsml.json').issues).map((d) => d.code), ['nesting']);
    const big = '{ "model": { "sub_rnn": { "slow_size": 100000 } } }';
    const d = configDiagnostics(big, validateConfigText(big, 'x.vsml.json').issues);
    assert.deepEqual(d.map((x) => [x.code, x.path]), [['too-large', 'model.sub_rnn.slow_size']]);
    assert.equal(big.slice(d[0].start.character, d[0].end.character), '100000');
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
