/**
 * Hand-written field readers for the protocol parsers. Each reader either returns the typed value
 * or throws a FieldError naming the path of the bad field and what it expected, so a parser can
 * turn the first problem into one readable line (`run/progress.step: expected an integer >= 0, got "3"`).
 * No dependency: these run in the extension host, the trainer and webviews alike.
 */

export class FieldError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describe(actual)}`);
    this.name = 'FieldError';
  }
}

/** A short, bounded rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export type Obj = Readonly<Record<string, unknown>>;

export function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(path, 'an object', value);
  return value as Obj;
}

export function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new FieldError(`${path}.${key}`, 'a string', v);
  return v;
}

export function nonEmptyStr(o: Obj, key: string, path: string): string {
  const v = str(o, key, path);
  if (v.length === 0) throw new FieldError(`${path}.${key}`, 'a non-empty string', v);
  return v;
}

export function optStr(o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, path);
}

export function num(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(`${path}.${key}`, 'a finite number', v);
  return v;
}

/**
 * A measured value that may have been non-finite: JSON (and so the IPC channel and .jsonl files)
 * has no NaN or Infinity, they arrive as null. A diverging meta-loss must still reach the user.
 */
export function numOrNull(o: Obj, key: string, path: string): number | null {
  const v = o[key];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(`${path}.${key}`, 'a finite number or null', v);
  return v;
}

export function optNum(o: Obj, key: string, path: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key, path);
}

export function nonNegInt(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FieldError(`${path}.${key}`, 'an integer >= 0', v);
  return v;
}

export function posInt(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new FieldError(`${path}.${key}`, 'an integer >= 1', v);
  return v;
}

export function int(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldError(`${path}.${key}`, 'an integer', v);
  return v;
}

export function bool(o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new FieldError(`${path}.${key}`, 'true or false', v);
  return v;
}

export function oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new FieldError(`${path}.${key}`, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
  }
  return v as T;
}

export function arr(o: Obj, key: string, path: string): readonly unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new FieldError(`${path}.${key}`, 'an array', v);
  return v;
}

export function numArray(o: Obj, key: string, path: string): number[] {
  return arr(o, key, path).map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new FieldError(`${path}.${key}[${i}]`, 'a finite number', x);
    return x;
  });
}

export function intArray(o: Obj, key: string, path: string, min: number): number[] {
  return arr(o, key, path).map((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) throw new FieldError(`${path}.${key}[${i}]`, `an integer >= ${min}`, x);
    return x;
  });
}

/** Runs a reader and folds a FieldError into the parse result shape every protocol parser returns. */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

export function tryParse<T>(read: () => T): ParseResult<T> {
  try {
    return { ok: true, message: read() };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: e.message };
    throw e;
  }
}
