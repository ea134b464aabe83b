/**
 * The grid of a sweep: `--grid key=v1,v2` axes and their cartesian product. Every combination is a
 * list of `key=value` overrides, exactly what `vsml train --set` takes, so a sweep run is a normal
 * run (the config loader validates the overrides like the file's own values).
 */
import { EngineError } from '../errors';
import { parseOverrideValue, splitOverridePath } from '../config/overrides';

/** One `--grid` flag: a config path and the values it takes, as typed (raw text, parsed by --set's rules). */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly string[];
}

/** One point of the grid: the `key=value` overrides, in the order of the axes. */
export interface GridCombination {
  readonly sets: readonly string[];
}

const GRID_EXAMPLE = 'write e.g. --grid optimizer.lr=0.05,0.1';

/**
 * Splits `v1,v2,...` at the commas outside brackets, braces and double quotes, so list and object
 * values stay whole: `[7,7],[5,5]` is two values.
 */
export function splitGridValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((v) => v.trim());
}

/** Parses one `--grid key=v1,v2` flag; a malformed one is an EngineError naming the flag and the fix. */
export function parseGridAxis(flag: string): GridAxis {
  const eq = flag.indexOf('=');
  const key = eq > 0 ? flag.slice(0, eq).trim() : '';
  if (key === '') throw new EngineError('', `--grid \`${flag}\` is not of the form path=value1,value2`, GRID_EXAMPLE);
  const values = splitGridValues(flag.slice(eq + 1));
  if (values.some((v) => v === '')) throw new EngineError(key, `--grid \`${flag}\` has an empty value`, `list the values separated by single commas, ${GRID_EXAMPLE}`);
  const seen = new Set<string>();
  for (const v of values) {
    // 0.1 and 0.10 are the same value: compare what --set would make of them.
    const canonical = JSON.stringify(parseOverrideValue(v));
    if (seen.has(canonical)) throw new EngineError(key, `--grid lists the value ${v} twice`, 'list each value once');
    seen.add(canonical);
  }
  return { key, values };
}

/** Parses every `--grid` flag; two flags on the same config path are refused. */
export function parseGrid(flags: readonly string[]): GridAxis[] {
  if (flags.length === 0) throw new EngineError('', 'no --grid given: a sweep needs at least one axis', GRID_EXAMPLE);
  const axes = flags.map(parseGridAxis);
  const byPath = new Map<string, string>();
  for (const a of axes) {
    const path = splitOverridePath(a.key).join('.');
    const before = byPath.get(path);
    if (before !== undefined) throw new EngineError(a.key, `is given by two --grid flags (\`${before}\` and \`${a.key}\`)`, 'put all its values in one flag, separated by commas');
    byPath.set(path, a.key);
  }
  return axes;
}

/** The cartesian product of the axes: the first axis varies slowest. */
export function expandGrid(axes: readonly GridAxis[]): GridCombination[] {
  let combos: string[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => [...c, `${a.key}=${v}`]));
  return combos.map((sets) => ({ sets }));
}

/** A combination's overrides as `{ path: value }` (values parsed as --set parses them), for tables and JSON. */
export function combinationValues(sets: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(sets.map((s) => {
    const eq = s.indexOf('=');
    return [s.slice(0, eq), parseOverrideValue(s.slice(eq + 1))];
  }));
}

/** `optimizer.lr=0.05 training.population_size=32`: how tables and logs name a combination. */
export const combinationLabel = (sets: readonly string[]): string => sets.join(' ');
