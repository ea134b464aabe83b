import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { editorSchema } from '../../../src/engine/config/editor-schema';
import { experimentSchema } from '../../../src/engine/config/schema';
import { REPO_ROOT } from '../../helpers/paths';

const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/experiment.editor.schema.json'), 'utf8'));

/** Every keyword used at a schema position (not the names under properties/definitions), with the value. */
function keywords(node: unknown, inNames = false, out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(node)) node.forEach((n) => keywords(n, false, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (!inNames) out.push([k, v]);
      if (inNames || !['default', 'examples'].includes(k)) keywords(v, !inNames && (k === 'properties' || k === 'definitions'), out);
    }
  }
  return out;
}

test('schemas/experiment.editor.schema.json is generated from the schema (regenerate: node --import tsx scripts/write-editor-schema.ts)', () => {
  assert.deepEqual(committed, editorSchema(experimentSchema));
});

test('the editor schema has no keyword that can fail, so VS Code reports no schema fault (the extension does)', () => {
  const used = new Set(keywords(committed).map(([k]) => k));
  const allowed = new Set(['$id', '$ref', '$schema', 'allowComments', 'allowTrailingCommas', 'additionalProperties', 'default', 'definitions', 'description', 'examples', 'items', 'properties', 'title']);
  assert.deepEqual([...used].filter((k) => !allowed.has(k)), []);
  for (const [k, v] of keywords(committed)) if (k === 'additionalProperties') assert.equal(typeof v, 'object', 'only the dataset_stats map keeps its value schema');
  const validate = new Ajv({ strict: false }).compile(committed);
  assert.equal(validate({ training: { population_size: 'many' }, model: { no_such_option: 1 }, seed: -3 }), true);
});

test('the editor schema keeps every description and default, and offers enum values for completion', () => {
  const count = (node: unknown, key: string): number => keywords(node).filter(([k]) => k === key).length;
  assert.equal(count(committed, 'description'), count(experimentSchema, 'description'));
  assert.equal(count(committed, 'default'), count(experimentSchema, 'default'));
  const props = committed.properties.training.properties;
  assert.deepEqual(props.loss_type.examples, ['mean', 'last']);
  assert.equal(props.population_size.default, 1024);
});
