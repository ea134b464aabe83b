import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigToHostMessage, parseHostToConfigMessage } from '../../src/protocol/config-panel';

const document = { value: { training: { iterations: 3 } }, problems: [{ path: 'training.iterations', message: 'too small', fix: 'use 10' }], version: 4 };

test('every host -> config message kind parses', () => {
  const init = parseHostToConfigMessage({ type: 'config/init', schema: { type: 'object', properties: {} }, fileName: 'a.vsml.json', document, canTrain: false });
  assert.ok(init.ok && init.message.type === 'config/init' && init.message.canTrain === false);
  const doc = parseHostToConfigMessage({ type: 'config/document', document: { value: null, parseError: 'Expected comma at 3:4', problems: [], version: 5 } });
  assert.ok(doc.ok && doc.message.type === 'config/document' && doc.message.document.parseError === 'Expected comma at 3:4');
});

test('malformed host -> config messages are rejected', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'config/document', document: { ...document, version: 1.5 } }, /document\.version/],
    [{ type: 'config/document', document: { ...document, problems: [{ path: 'a' }] } }, /problems\[0\]\.message/],
    [{ type: 'config/init', schema: {}, fileName: 'a', document, canTrain: 'yes' }, /canTrain/],
    [{ type: 'config/document' }, /document/],
  ];
  for (const [m, re] of cases) {
    const r = parseHostToConfigMessage(m);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, re);
  }
});

test('config panel -> host messages: set/remove carry a JSON path and a JSON value', () => {
  assert.deepEqual(parseConfigToHostMessage({ type: 'config/set', path: ['model', 'vsml_rnn', 'layer_specs', 0, 'size'], value: 32 }), {
    ok: true, message: { type: 'config/set', path: ['model', 'vsml_rnn', 'layer_specs', 0, 'size'], value: 32 },
  });
  assert.ok(parseConfigToHostMessage({ type: 'config/set', path: ['name'], value: null }).ok, 'null is a value');
  assert.ok(parseConfigToHostMessage({ type: 'config/remove', path: ['seed'] }).ok);
  assert.ok(parseConfigToHostMessage({ type: 'train' }).ok);
  const bad: [unknown, RegExp][] = [
    [{ type: 'config/set', path: [], value: 1 }, /path/],
    [{ type: 'config/set', path: ['a'] }, /value/],
    [{ type: 'config/set', path: ['a', -1], value: 1 }, /path\[1\]/],
    [{ type: 'config/set', path: ['a', ''], value: 1 }, /path\[1\]/],
    [{ type: 'config/set', path: ['a'], value: Number.NaN }, /value/],
    [{ type: 'config/set', path: ['a'], value: { deep: [undefined] } }, /value\.deep\[0\]/],
    [{ type: 'exec', command: 'rm -rf /' }, /config panel message\.type/],
  ];
  for (const [m, re] of bad) {
    const r = parseConfigToHostMessage(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    if (!r.ok) assert.match(r.error, re);
  }
});
