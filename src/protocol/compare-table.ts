/**
 * The comparison table of a `vsml compare` output folder as the metrics panel receives it: the
 * rows of table.csv (read by the engine, src/engine/compare/compare-table.ts, which writes the
 * same columns), or why there are none. Types and readers only.
 */
import { FieldError, Obj, nonEmptyStr, num, obj, optStr, posInt, str } from './fields';
import { boundedArr } from './panel-fields';

/** One line of table.csv: a method meta-trained on a set (`-` for SGD/Adam), on one meta-test dataset, over seeds. */
export interface CompareTableRow {
  readonly method: string;
  readonly metaTrain: string;
  readonly dataset: string;
  /** Mean online accuracy over seeds, in [0, 1]. */
  readonly meanAccuracy: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  readonly std: number;
  readonly seeds: number;
}

/** What the panel shows of one compare folder. */
export interface CompareTableView {
  /** The folder `vsml compare --out` writes (absolute). */
  readonly folder: string;
  /** table.csv's rows; empty while there is a problem. */
  readonly rows: readonly CompareTableRow[];
  /** When table.csv last changed (ISO 8601); absent without a table. */
  readonly updatedAt?: string;
  /** Why there is no table: no table.csv yet, or the file, line and field that is malformed, with a fix. */
  readonly problem?: string;
  /** Chance level (1 / classes) per dataset, when the folder records it (classes.json). */
  readonly chance?: Readonly<Record<string, number>>;
  /** Shown beside the table: classes.json could not be read (file, field, fix). */
  readonly warning?: string;
}

/** Lines of a table: methods x meta-training sets x datasets of a large grid stay far below this. */
export const MAX_COMPARE_ROWS = 10_000;
const MAX_NAME = 1000;
const MAX_PROBLEM = 2000;

function name(o: Obj, key: string, path: string): string {
  const v = nonEmptyStr(o, key, path);
  if (v.length > MAX_NAME) throw new FieldError(`${path}.${key}`, `at most ${MAX_NAME} characters`, `${v.length} characters`);
  return v;
}

export function readCompareTableRow(value: unknown, path: string): CompareTableRow {
  const o = obj(value, path);
  const meanAccuracy = num(o, 'meanAccuracy', path);
  if (meanAccuracy < 0 || meanAccuracy > 1) throw new FieldError(`${path}.meanAccuracy`, 'an accuracy in [0, 1]', meanAccuracy);
  const std = num(o, 'std', path);
  if (std < 0) throw new FieldError(`${path}.std`, 'a number >= 0', std);
  return { method: name(o, 'method', path), metaTrain: name(o, 'metaTrain', path), dataset: name(o, 'dataset', path), meanAccuracy, std, seeds: posInt(o, 'seeds', path) };
}

export function readCompareTableView(value: unknown, path: string): CompareTableView {
  const o = obj(value, path);
  const folder = name(o, 'folder', path);
  const updatedAt = optStr(o, 'updatedAt', path);
  if (updatedAt !== undefined && Number.isNaN(Date.parse(updatedAt))) throw new FieldError(`${path}.updatedAt`, 'an ISO 8601 time', updatedAt);
  const problem = o['problem'] === undefined ? undefined : str(o, 'problem', path).slice(0, MAX_PROBLEM);
  const warning = o['warning'] === undefined ? undefined : str(o, 'warning', path).slice(0, MAX_PROBLEM);
  const chance = o['chance'] === undefined ? undefined : readChance(o['chance'], `${path}.chance`);
  return {
    folder,
    rows: boundedArr(o, 'rows', path, MAX_COMPARE_ROWS).map((r, i) => readCompareTableRow(r, `${path}.rows[${i}]`)),
    ...(updatedAt !== undefined ? { updatedAt } : {}),
    ...(problem !== undefined ? { problem } : {}),
    ...(chance !== undefined ? { chance } : {}),
    ...(warning !== undefined ? { warning } : {}),
  };
}

function readChance(value: unknown, path: string): Record<string, number> {
  const o = obj(value, path);
  const keys = Object.keys(o);
  if (keys.length > MAX_COMPARE_ROWS) throw new FieldError(path, `at most ${MAX_COMPARE_ROWS} datasets`, `${keys.length}`);
  const out: Record<string, number> = {};
  for (const k of keys) {
    const p = num(o, k, path);
    if (!(p > 0 && p <= 1)) throw new FieldError(`${path}.${k}`, 'a chance level in (0, 1]', p);
    out[k] = p;
  }
  return out;
}
