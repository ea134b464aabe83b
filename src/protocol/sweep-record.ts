/**
 * `<runs-dir>/sweeps/<name>.json` (docs/contracts.md §1): what `vsml sweep` ran, so a rerun can
 * skip, resume or start each combination; and the `sweep` tag a sweep run carries in its config.json.
 * Parsed objects hold only the documented fields.
 */
import { type Obj, type ParseResult, FieldError, arr, nonEmptyStr, obj, oneOf, optStr, str, tryParse } from './fields';
import { RUN_STATES } from './run-records';

export const SWEEP_FORMAT = 'vsml-sweep';
export const SWEEP_VERSION = 1;

/** A combination not started yet is `pending`; afterwards it has its run's state. */
export const SWEEP_STATES = ['pending', ...RUN_STATES] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

export interface SweepAxisRecord {
  readonly key: string;
  readonly values: readonly string[];
}

export interface SweepCombinationRecord {
  /** The `key=value` overrides of this combination (`vsml train --set`). */
  readonly sets: readonly string[];
  readonly state: SweepState;
  /** The run folder's name under the runs folder, once the run exists. */
  readonly runId?: string;
  /** Why the run failed, when it did. */
  readonly error?: string;
}

export interface SweepRecord {
  readonly format: typeof SWEEP_FORMAT;
  readonly version: typeof SWEEP_VERSION;
  readonly name: string;
  /** Absolute path of the experiment config the sweep runs. */
  readonly config: string;
  /** sha256 (hex) of that file's bytes when the sweep was created: a changed config is refused. */
  readonly configHash: string;
  readonly grid: readonly SweepAxisRecord[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly combinations: readonly SweepCombinationRecord[];
}

/** What a sweep run records in its config.json next to `source`: which sweep and which combination. */
export interface SweepTag {
  readonly name: string;
  readonly sets: readonly string[];
}

/** A sweep's name is also a file name: letters, digits, `_`, `.` and `-`, not starting with `.`. */
export const SWEEP_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

function strings(o: Obj, key: string, path: string): string[] {
  return arr(o, key, path).map((v, i) => {
    if (typeof v !== 'string') throw new FieldError(`${path}.${key}[${i}]`, 'a string', v);
    return v;
  });
}

function sweepName(o: Obj, path: string): string {
  const name = nonEmptyStr(o, 'name', path);
  if (!SWEEP_NAME.test(name)) throw new FieldError(`${path}.name`, 'a name of letters, digits, _ . -', name);
  return name;
}

export function readSweepTag(value: unknown, path = 'sweep'): SweepTag {
  const o = obj(value, path);
  return { name: sweepName(o, path), sets: strings(o, 'sets', path) };
}

function readCombination(value: unknown, path: string): SweepCombinationRecord {
  const o = obj(value, path);
  const runId = optStr(o, 'runId', path);
  const error = optStr(o, 'error', path);
  return {
    sets: strings(o, 'sets', path),
    state: oneOf(o, 'state', path, SWEEP_STATES),
    ...(runId !== undefined ? { runId } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

export function readSweepRecord(value: unknown, path = 'sweep'): SweepRecord {
  const o = obj(value, path);
  if (o.format !== SWEEP_FORMAT) throw new FieldError(`${path}.format`, `"${SWEEP_FORMAT}"`, o.format);
  if (o.version !== SWEEP_VERSION) throw new FieldError(`${path}.version`, String(SWEEP_VERSION), o.version);
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    name: sweepName(o, path),
    config: nonEmptyStr(o, 'config', path),
    configHash: nonEmptyStr(o, 'configHash', path),
    grid: arr(o, 'grid', path).map((a, i) => {
      const ao = obj(a, `${path}.grid[${i}]`);
      return { key: nonEmptyStr(ao, 'key', `${path}.grid[${i}]`), values: strings(ao, 'values', `${path}.grid[${i}]`) };
    }),
    createdAt: str(o, 'createdAt', path),
    updatedAt: str(o, 'updatedAt', path),
    combinations: arr(o, 'combinations', path).map((c, i) => readCombination(c, `${path}.combinations[${i}]`)),
  };
}

export const parseSweepRecord = (value: unknown): ParseResult<SweepRecord> => tryParse(() => readSweepRecord(value));
export const parseSweepTag = (value: unknown): ParseResult<SweepTag> => tryParse(() => readSweepTag(value));
