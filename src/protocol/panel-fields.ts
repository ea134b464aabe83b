/**
 * Field readers the panel protocols need beyond ./fields.ts: a message's `type` among the known
 * kinds, a run's summary, string lists, JSON paths and plain JSON values (a run's config, the
 * experiment schema) checked to be JSON and not something a webview could be tricked by.
 */
import { FieldError, Obj, arr, nonEmptyStr, nonNegInt, obj, oneOf, str } from './fields';
import { RUN_STATES, RunState } from './run-records';

/** What a panel shows about a run besides its rows. */
export interface RunSummary {
  readonly runId: string;
  readonly name: string;
  readonly state: RunState;
  readonly step: number;
  readonly totalSteps: number;
}

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A panel's log line for the host's output channel (a panel has no console a user sees). */
export interface PanelLog {
  readonly type: 'log';
  readonly level: LogLevel;
  readonly message: string;
}

/**
 * The host could not build what the panel shows (a run folder that cannot be read, a schema that
 * does not load): the panel shows the message instead of waiting forever. Plain text, never markup.
 */
export interface PanelError {
  readonly type: 'panel/error';
  readonly message: string;
}

/** Longest error text a panel shows. */
export const MAX_PANEL_ERROR_LENGTH = 2000;

export function readPanelError(o: Obj, path: string): PanelError {
  return { type: 'panel/error', message: str(o, 'message', path).slice(0, MAX_PANEL_ERROR_LENGTH) };
}

/** The `type` of a message, checked to be one of the known kinds. */
export function messageType<T extends string>(value: unknown, known: readonly T[], channel: string): { o: Obj; type: T } {
  const o = obj(value, channel);
  const t = o['type'];
  if (typeof t !== 'string' || !(known as readonly string[]).includes(t)) {
    throw new FieldError(`${channel}.type`, `one of ${known.map((k) => `"${k}"`).join(', ')}`, t);
  }
  return { o, type: t as T };
}

/** An array with an upper bound on its length (a sender must not make the receiver allocate without limit). */
export function boundedArr(o: Obj, key: string, path: string, maxLength: number): readonly unknown[] {
  const v = arr(o, key, path);
  if (v.length > maxLength) throw new FieldError(`${path}.${key}`, `at most ${maxLength} entries`, `${v.length} entries`);
  return v;
}

export function strArray(o: Obj, key: string, path: string, maxLength: number): string[] {
  return boundedArr(o, key, path, maxLength).map((v, i) => {
    if (typeof v !== 'string') throw new FieldError(`${path}.${key}[${i}]`, 'a string', v);
    return v;
  });
}

export function readRunSummary(value: unknown, path: string): RunSummary {
  const o = obj(value, path);
  return {
    runId: nonEmptyStr(o, 'runId', path),
    name: str(o, 'name', path),
    state: oneOf(o, 'state', path, RUN_STATES),
    step: nonNegInt(o, 'step', path),
    totalSteps: nonNegInt(o, 'totalSteps', path),
  };
}

export function readLog(o: Obj, path: string): PanelLog {
  return { type: 'log', level: oneOf(o, 'level', path, LOG_LEVELS), message: str(o, 'message', path).slice(0, 2000) };
}

/** A plain JSON value of bounded depth; NaN, Infinity, functions and the like are refused. */
export function readJsonValue(value: unknown, path: string, depth = 0): unknown {
  if (depth > 32) throw new FieldError(path, 'JSON nested at most 32 levels deep', '(deeper)');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FieldError(path, 'a finite number', value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => readJsonValue(v, `${path}[${i}]`, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Obj)) out[k] = readJsonValue(v, `${path}.${k}`, depth + 1);
    return out;
  }
  throw new FieldError(path, 'a JSON value', typeof value);
}
