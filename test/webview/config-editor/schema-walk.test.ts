import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormField, dotted, formFields, parseFieldInput, resolveRef, valueAt } from '../../../webview/config-editor/schema-walk';
import { REPO_ROOT } from '../../helpers/paths';

const find = (fields: FormField[], path: string): FormField | undefined => {
  for (const f of fields) {
    if (dotted(f.path) === path) return f;
    const inner = f.children && find(f.children, path);
    if (inner) return inner;
  }
  return undefined;
};

test('a generic schema maps to sections, dropdowns, checkboxes, bounded numbers, JSON fields', () => {
  const schema = {
    definitions: { size: { type: 'integer', minimum: 1, description: 'from a $ref' } },
    properties: {
      $schema: { type: 'string' },
      name: { type: 'string', default: 'x' },
      opt: { type: 'object', description: 'optimizer', properties: { kind: { type: 'string', enum: ['es', 'sgd'] }, lr: { type: 'number', exclusiveMinimum: 0, maximum: 1 } } },
      on: { type: 'boolean', default: false },
      n: { $ref: '#/definitions/size', default: 3 },
      ds: { type: ['string', 'array'] },
      free: { type: 'object', additionalProperties: true },
    },
  };
  const f = formFields(schema);
  assert.deepEqual(f.map((x) => [x.key, x.kind]), [['name', 'string'], ['opt', 'section'], ['on', 'boolean'], ['n', 'integer'], ['ds', 'json'], ['free', 'json']]);
  assert.deepEqual(find(f, 'opt.kind')?.options, ['es', 'sgd']);
  assert.deepEqual([find(f, 'opt.lr')?.min, find(f, 'opt.lr')?.max], [0, 1]);
  assert.equal(find(f, 'n')?.description, 'from a $ref');
  assert.equal(find(f, 'n')?.default, 3);
  assert.equal(resolveRef(schema, { $ref: '#/nowhere' }).$ref, '#/nowhere');
});

test('typed input: integers, bounds, JSON, bare strings where a string is allowed', () => {
  const int: FormField = { kind: 'integer', path: ['n'], key: 'n', min: 1, max: 10 };
  assert.deepEqual(parseFieldInput(int, ' 7 '), { value: 7 });
  assert.match(JSON.stringify(parseFieldInput(int, '7.5')), /whole number/);
  assert.match(JSON.stringify(parseFieldInput(int, '0')), /at least 1/);
  assert.match(JSON.stringify(parseFieldInput(int, 'abc')), /not a number/);
  const json: FormField = { kind: 'json', path: ['d'], key: 'd', acceptsString: true };
  assert.deepEqual(parseFieldInput(json, '["a", "b"]'), { value: ['a', 'b'] });
  assert.deepEqual(parseFieldInput(json, 'mnist'), { value: 'mnist' });
  assert.match(JSON.stringify(parseFieldInput({ ...json, acceptsString: false }, 'mnist')), /not valid JSON/);
  assert.match(JSON.stringify(parseFieldInput(json, '[1,')), /not valid JSON/);
});

test('the experiment schema gives a form with every top-level section', () => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/experiment.schema.json'), 'utf8')) as unknown;
  const f = formFields(schema);
  for (const s of ['training', 'evaluation', 'optimizer', 'model', 'engine']) assert.equal(find(f, s)?.kind, 'section', s);
  assert.equal(find(f, 'training.iterations')?.kind, 'integer');
  assert.equal(find(f, 'engine.path')?.kind, 'enum');
  assert.equal(find(f, 'model.sub_rnn.layer_norm')?.kind, 'boolean');
  assert.equal(valueAt({ model: { sub_rnn: { slow_size: 8 } } }, ['model', 'sub_rnn', 'slow_size']), 8);
  assert.equal(valueAt({ model: 3 }, ['model', 'sub_rnn']), undefined);
});
