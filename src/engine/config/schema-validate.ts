import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from './did-you-mean';
import { ConfigIssue, makeIssue, pointerToPath } from './issues';
import { allPropertyPointers, experimentSchema, keysAt, type SchemaNode } from './schema';

let compiled: ValidateFunction | undefined;

/** The ajv validator of the schema, compiled once. useDefaults fills missing fields in place. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, allowUnionTypes: true, verbose: true, strict: true });
    compiled = ajv.compile(experimentSchema);
  }
  return compiled;
}

/**
 * Validates `value` against schemas/experiment.schema.json and fills defaults IN PLACE.
 * Returns one issue per problem (ajv may report a problem once per failing keyword; the
 * union types in the schema keep that to one).
 */
export function validateAgainstSchema(value: unknown, file: string): ConfigIssue[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => toIssue(e, file));
}

const jsonPointerSegments = (p: string): string[] =>
  p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return `${typeof v} ${show(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false',
  array: 'a list', object: 'an object { ... }', null: 'null',
};

const defaultHint = (s: SchemaNode | undefined): string =>
  s && s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : '';

/** Reference model and optimizer types that exist in the authors' code but not here. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  FWP: 'the fast-weight programmer', SGD: 'the SGD model (use baselines for SGD/Adam comparators)',
  sgd: 'backpropagation through episodes', conv: 'convolutional VSML layers',
};

function toIssue(e: ErrorObject, file: string): ConfigIssue {
  const at = jsonPointerSegments(e.instancePath);
  const path = pointerToPath(at) || 'the config';
  const schema = e.parentSchema as SchemaNode | undefined;
  const data = e.data;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = keysAt(at);
      const where = at.length ? `\`${pointerToPath(at)}\`` : 'the top level';
      const inWhere = at.length ? `in ${where}` : 'at the top level';
      const near = closest(key, allowed);
      const elsewhere = allPropertyPointers().filter((p) => p[p.length - 1] === key);
      let fix: string;
      if (near) fix = `did you mean \`${near}\`?`;
      else if (elsewhere.length > 0) fix = `\`${key}\` belongs under \`${pointerToPath(elsewhere[0].slice(0, -1))}\`: move it there`;
      else fix = `remove it; ${where} accepts ${allowed.map((k) => `\`${k}\``).join(', ')}`;
      return makeIssue(file, [...at, key], `unknown key \`${key}\` ${inWhere}`, fix, e.keyword);
    }
    case 'type': {
      const want = String((e.params as { type: string }).type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      let fix = `write ${want}${defaultHint(schema)}`;
      if (typeof data === 'string' && data.trim() !== '') {
        try {
          const parsed: unknown = JSON.parse(data);
          if (typeof parsed !== 'string') fix = `remove the quotes: ${JSON.stringify(parsed)}`;
        } catch { /* not a quoted number or boolean */ }
      }
      return makeIssue(file, at, `\`${path}\` must be ${want}, got ${jsonType(data)}`, fix, e.keyword);
    }
    case 'minimum': case 'exclusiveMinimum': case 'maximum': case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      const why = e.instancePath.endsWith('population_size') ? ' (ES needs at least one antithetic pair)' : '';
      return makeIssue(file, at, `\`${path}\` must be ${p.comparison} ${p.limit}, got ${show(data)}${why}`,
        `use a value ${p.comparison} ${p.limit}${defaultHint(schema)}`, e.keyword);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const list = allowed.map(show).join(', ');
      if (typeof data === 'string' && KNOWN_UNSUPPORTED[data]) {
        return makeIssue(file, at, `\`${path}\`: ${show(data)} (${KNOWN_UNSUPPORTED[data]}) is not supported yet`,
          `use ${list}`, e.keyword);
      }
      const near = typeof data === 'string' ? closest(data, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
      return makeIssue(file, at, `\`${path}\` must be one of ${list}, got ${show(data)}`,
        near ? `did you mean ${show(near)}?` : `use one of ${list}`, e.keyword);
    }
    case 'minItems': case 'maxItems': {
      const limit = (e.params as { limit: number }).limit;
      const n = Array.isArray(data) ? data.length : 0;
      const exact = schema?.minItems !== undefined && schema.minItems === schema.maxItems;
      const bound = exact ? `exactly ${limit}` : e.keyword === 'minItems' ? `at least ${limit}` : `at most ${limit}`;
      const plural = (k: number) => (k === 1 ? 'entry' : 'entries');
      const example = schema?.examples?.find((x) => Array.isArray(x));
      const hint = example !== undefined ? `, e.g. ${JSON.stringify(example)}` : defaultHint(schema);
      return makeIssue(file, at, `\`${path}\` must have ${bound} ${plural(limit)}, got ${n}`,
        `give ${bound} ${plural(limit)}${hint}`, e.keyword);
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const dup = Array.isArray(data) ? data[j] : undefined;
      return makeIssue(file, [...at, String(i)], `\`${path}\` lists ${show(dup)} twice (entries ${j} and ${i})`,
        'remove the duplicate', e.keyword);
    }
    case 'minLength':
      return makeIssue(file, at, `\`${path}\` must not be empty`, `write a name${defaultHint(schema)}`, e.keyword);
    case 'maxLength':
      return makeIssue(file, at, `\`${path}\` is longer than ${(e.params as { limit: number }).limit} characters`, 'shorten it', e.keyword);
    case 'pattern':
      return makeIssue(file, at, `\`${path}\` ${show(data)} may contain only letters, digits, '_', '.' and '-', starting with a letter or digit`,
        `e.g. ${show(String(data).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'experiment')}`, e.keyword);
    default:
      return makeIssue(file, at, `\`${path}\` ${e.message ?? 'is invalid'}`, 'see the field description in the schema', e.keyword);
  }
}
