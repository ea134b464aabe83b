import type { SchemaNode } from './schema';

/**
 * The schema VS Code's JSON service gets for `*.vsml.json` (package.json `jsonValidation`):
 * experiment.schema.json with every keyword that can fail removed, so the editor keeps hover
 * text, completion of keys and values (enum values become `examples`) and defaults, while every
 * fault is reported once, by the extension, in the engine's words (the CLI's). Written to
 * schemas/experiment.editor.schema.json by scripts/write-editor-schema.ts; a test keeps the two
 * in step.
 */
const VALIDATING = new Set([
  'type', 'enum', 'const', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minProperties',
  'maxProperties', 'propertyNames', 'dependencies', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', 'additionalItems',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function strip(node: Json, inProperties: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => strip(n, false));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    // inside `properties` and `definitions` the keys are names, not keywords
    if (inProperties) {
      out[k] = strip(v, false);
      continue;
    }
    if (k === 'enum' && Array.isArray(v)) {
      const seen = Array.isArray(node.examples) ? node.examples : [];
      out.examples = [...seen, ...v.filter((x) => !seen.some((y) => JSON.stringify(y) === JSON.stringify(x)))];
      continue;
    }
    if (k === 'examples' && out.examples !== undefined) continue;
    if (VALIDATING.has(k)) continue;
    if (k === 'additionalProperties' && typeof v === 'boolean') continue;
    // default, examples and const values are data, not schemas
    if (k === 'default' || k === 'examples') {
      out[k] = v;
      continue;
    }
    out[k] = strip(v, k === 'properties' || k === 'definitions');
  }
  return out;
}

export function editorSchema(schema: SchemaNode): Record<string, unknown> {
  const stripped = strip(schema as unknown as Json, false) as Record<string, unknown>;
  const { $schema, $id, title, description, ...rest } = stripped;
  return {
    $schema,
    $id: typeof $id === 'string' ? $id.replace(/experiment\.schema\.json$/, 'experiment.editor.schema.json') : $id,
    title,
    description: `${String(description)} (Editor copy of experiment.schema.json for hover and completion, without validation: the VS-ML extension reports every fault itself. Generated; do not edit.)`,
    // VS Code's JSONC extensions: the engine accepts comments and trailing commas
    allowComments: true,
    allowTrailingCommas: true,
    ...rest,
  };
}
