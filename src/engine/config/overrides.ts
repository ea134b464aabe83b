import { closest } from './did-you-mean';
import { ConfigIssue, makeIssue } from './issues';
import { keysAt, schemaAt, typesOf } from './schema';

/** Where override problems are attributed: they come from the command line, not the file. */
export const OVERRIDE_SOURCE = '--set';

/**
 * Parses the value of `--set path=value` as the reference's `--config key=value` did: JSON when
 * it parses (`128`, `true`, `[7,7]`, `"x"`), else the raw string (`mnist`). Python's
 * True/False/None are accepted where the field is not a string.
 */
export function parseOverrideValue(raw: string, fieldTypes: readonly string[] = []): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    if (!fieldTypes.includes('string')) {
      if (raw === 'True') return true;
      if (raw === 'False') return false;
      if (raw === 'None') return null;
    }
    return raw;
  }
}

/** `model.vsml_rnn.layer_specs[0].out_size` or `...layer_specs.0.out_size` -> segments. */
export function splitOverridePath(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((s) => s !== '');
}

/**
 * Applies `--set path=value` overrides to a parsed config (in place) before validation, so the
 * overridden values are checked like the file's own. Unknown paths are errors with a
 * "did you mean" from the schema's keys. Missing sections are created from the schema's defaults.
 */
export function applyOverrides(config: Record<string, unknown>, sets: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      issues.push(makeIssue(OVERRIDE_SOURCE, [], `\`${set}\` is not of the form path=value`,
        'write e.g. --set training.population_size=128', 'override'));
      continue;
    }
    const pointer = splitOverridePath(set.slice(0, eq).trim());
    const problem = checkPath(pointer);
    if (problem) {
      issues.push(problem);
      continue;
    }
    const value = parseOverrideValue(set.slice(eq + 1), typesOf(schemaAt(pointer)!));
    const err = setAt(config, pointer, value);
    if (err) issues.push(err);
  }
  return issues;
}

function checkPath(pointer: string[]): ConfigIssue | undefined {
  for (let k = 0; k < pointer.length; k++) {
    if (schemaAt(pointer.slice(0, k + 1))) continue;
    const parent = pointer.slice(0, k);
    const allowed = keysAt(parent);
    const near = closest(pointer[k], allowed);
    const where = parent.length ? `\`${parent.join('.')}\`` : 'the top level';
    const fix = near ? `did you mean \`${[...parent, near].join('.')}\`?`
      : allowed.length ? `${where} has ${allowed.map((a) => `\`${a}\``).join(', ')}` : `${where} has no sub-fields; set it as a whole`;
    return makeIssue(OVERRIDE_SOURCE, pointer.slice(0, k + 1), `unknown config path \`${pointer.join('.')}\` (no \`${pointer[k]}\` in ${where})`, fix, 'override');
  }
  return pointer.length === 0
    ? makeIssue(OVERRIDE_SOURCE, [], 'empty path', 'write e.g. --set training.population_size=128', 'override')
    : undefined;
}

function setAt(config: Record<string, unknown>, pointer: string[], value: unknown): ConfigIssue | undefined {
  let node: unknown = config;
  for (let k = 0; k < pointer.length - 1; k++) {
    const seg = pointer[k];
    const container = node as Record<string, unknown>;
    let next = container[seg];
    if (next === undefined || next === null) {
      const dflt = schemaAt(pointer.slice(0, k + 1))?.default;
      next = dflt !== undefined && dflt !== null && typeof dflt === 'object' ? structuredClone(dflt) : {};
      container[seg] = next;
    }
    if (typeof next !== 'object') {
      return makeIssue(OVERRIDE_SOURCE, pointer.slice(0, k + 1), `--set ${pointer.join('.')}: \`${pointer.slice(0, k + 1).join('.')}\` is ${JSON.stringify(next)}, not a section`,
        `set \`${pointer.slice(0, k + 1).join('.')}\` as a whole instead`, 'override');
    }
    if (Array.isArray(next)) {
      const idx = Number(pointer[k + 1]);
      if (!Number.isInteger(idx) || idx >= next.length) {
        return makeIssue(OVERRIDE_SOURCE, pointer.slice(0, k + 2), `--set ${pointer.join('.')}: \`${pointer.slice(0, k + 1).join('.')}\` has ${next.length} entries, no index ${pointer[k + 1]}`,
          `set the whole list, e.g. --set '${pointer.slice(0, k + 1).join('.')}=[...]'`, 'override');
      }
    }
    node = next;
  }
  (node as Record<string, unknown>)[pointer[pointer.length - 1]] = value;
  return undefined;
}
