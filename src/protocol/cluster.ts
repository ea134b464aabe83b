/**
 * The cluster channel (docs/contracts.md §"Cluster jobs"): a `vsml train --cluster URL` coordinator
 * puts ES jobs on a BullMQ queue in Redis, `vsml worker` processes evaluate them and return a few
 * numbers per pair. Both sides parse what they receive with the functions below; a worker refuses a
 * job of another protocol version with a failure that says so, and the coordinator refuses results
 * of another version. θ travels as base64 of its float64 bytes (little-endian); the noise never
 * travels: each side draws ε_k from the stream of (seed, step, pair k).
 */
import { type ParseResult, FieldError, arr, nonEmptyStr, nonNegInt, obj, posInt, str, tryParse } from './fields';

export type { ParseResult } from './fields';

/** Bumped whenever a job's or result's meaning changes; workers refuse other versions. */
export const CLUSTER_PROTOCOL_VERSION = 1;

/** The BullMQ queue every coordinator and worker of this protocol shares (Redis keys `bull:vsml-es:*`). */
export const ES_QUEUE = 'vsml-es';

/** Redis key holding the resolved config whose sha256 is `configKey` (set by the coordinator, cached by workers). */
export const configRedisKey = (configKey: string): string => `vsml:cluster:config:${configKey}`;

/** A run's config as published once per run (the job names it by hash). */
export interface ClusterConfigRecord {
  v: number;
  /** The run's resolved config (its config.json), validated again by the worker. */
  config: unknown;
}

/** Coordinator -> worker: evaluate pairs [k0, k1) of meta-step `step` at θ. */
export interface EsPairsJob {
  v: number;
  type: 'es/pairs';
  runId: string;
  /** sha256 (hex) of the published config record's `config` JSON. */
  configKey: string;
  step: number;
  k0: number;
  k1: number;
  /** The step's episode length (drawn by the coordinator from the step's stream). */
  T: number;
  /** θ, float64 little-endian, base64. */
  theta: string;
}

/** Worker -> coordinator (the job's return value): per pair, in pair order k0..k1-1. */
export interface EsPairsResult {
  v: number;
  type: 'es/pairs-result';
  k0: number;
  k1: number;
  /** Non-finite losses (a diverging θ) arrive as null and are read back as NaN. */
  lossPos: number[];
  lossNeg: number[];
  correct: number[];
  count: number[];
  /** `host:pid` of the worker, and its runner (e.g. fused-native), for the log and bench. */
  worker: string;
  runner: string;
  /** Wall seconds the worker spent on the job (config load excluded). */
  seconds: number;
}

/** Bounds that keep a malformed or hostile payload from costing memory: θ up to 2^24 parameters. */
export const MAX_THETA_BASE64 = Math.ceil((2 ** 24 * 8) / 3) * 4;
export const MAX_PAIRS_PER_JOB = 1 << 20;

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The protocol version first, so a worker of another version fails with that, not with a field error. */
function version(o: Readonly<Record<string, unknown>>, path: string): number {
  const v = o['v'];
  if (v !== CLUSTER_PROTOCOL_VERSION)
    throw new FieldError(`${path}.v`, `protocol version ${CLUSTER_PROTOCOL_VERSION} (this vsml speaks only that; run the same vsml version on the coordinator and every worker)`, v);
  return v;
}

function range(o: Readonly<Record<string, unknown>>, p: string): { k0: number; k1: number } {
  const k0 = nonNegInt(o, 'k0', p);
  const k1 = posInt(o, 'k1', p);
  if (k1 <= k0 || k1 - k0 > MAX_PAIRS_PER_JOB) throw new FieldError(`${p}.k1`, `an integer in (k0, k0 + ${MAX_PAIRS_PER_JOB}] (k0 = ${k0})`, k1);
  return { k0, k1 };
}

function readJob(value: unknown): EsPairsJob {
  const p = 'es/pairs';
  const o = obj(value, p);
  const v = version(o, p);
  if (o['type'] !== 'es/pairs') throw new FieldError(`${p}.type`, '"es/pairs"', o['type']);
  const configKey = str(o, 'configKey', p);
  if (!HEX64.test(configKey)) throw new FieldError(`${p}.configKey`, 'a sha256 in hex (64 characters)', configKey);
  const theta = str(o, 'theta', p);
  if (theta.length === 0 || theta.length > MAX_THETA_BASE64 || theta.length % 4 !== 0 || !BASE64.test(theta))
    throw new FieldError(`${p}.theta`, `base64 of float64 bytes (at most ${MAX_THETA_BASE64} characters)`, theta.length > 80 ? `${theta.length} characters` : theta);
  const bytes = (theta.length / 4) * 3 - (theta.endsWith('==') ? 2 : theta.endsWith('=') ? 1 : 0);
  if (bytes % 8 !== 0) throw new FieldError(`${p}.theta`, 'a whole number of float64 values', `${bytes} bytes`);
  const runId = nonEmptyStr(o, 'runId', p);
  if (runId.length > 200) throw new FieldError(`${p}.runId`, 'at most 200 characters', runId);
  return { v, type: 'es/pairs', runId, configKey, step: posInt(o, 'step', p), ...range(o, p), T: posInt(o, 'T', p), theta };
}

function lossArray(o: Readonly<Record<string, unknown>>, key: string, p: string, n: number): number[] {
  const a = arr(o, key, p);
  if (a.length !== n) throw new FieldError(`${p}.${key}`, `${n} values (one per pair)`, `${a.length} values`);
  return a.map((x, i) => {
    if (x === null) return NaN; // JSON has no NaN: a diverging θ's loss
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new FieldError(`${p}.${key}[${i}]`, 'a finite number or null', x);
    return x;
  });
}

function countArray(o: Readonly<Record<string, unknown>>, key: string, p: string, n: number): number[] {
  const a = arr(o, key, p);
  if (a.length !== n) throw new FieldError(`${p}.${key}`, `${n} values (one per pair)`, `${a.length} values`);
  return a.map((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new FieldError(`${p}.${key}[${i}]`, 'an integer >= 0', x);
    return x;
  });
}

function readResult(value: unknown): EsPairsResult {
  const p = 'es/pairs-result';
  const o = obj(value, p);
  const v = version(o, p);
  if (o['type'] !== 'es/pairs-result') throw new FieldError(`${p}.type`, '"es/pairs-result"', o['type']);
  const { k0, k1 } = range(o, p);
  const n = k1 - k0;
  const seconds = o['seconds'];
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new FieldError(`${p}.seconds`, 'a number >= 0', seconds);
  const short = (key: string): string => {
    const s = str(o, key, p);
    if (s.length > 200) throw new FieldError(`${p}.${key}`, 'at most 200 characters', s);
    return s;
  };
  return {
    v, type: 'es/pairs-result', k0, k1,
    lossPos: lossArray(o, 'lossPos', p, n), lossNeg: lossArray(o, 'lossNeg', p, n),
    correct: countArray(o, 'correct', p, n), count: countArray(o, 'count', p, n),
    worker: short('worker'), runner: short('runner'), seconds,
  };
}

function readConfigRecord(value: unknown): ClusterConfigRecord {
  const p = 'config record';
  const o = obj(value, p);
  const v = version(o, p);
  return { v, config: obj(o['config'], `${p}.config`) };
}

/** Parses a job's data as a worker receives it. Never throws. */
export function parseEsPairsJob(value: unknown): ParseResult<EsPairsJob> {
  return tryParse(() => readJob(value));
}

/** Parses a job's return value as the coordinator receives it. Never throws. */
export function parseEsPairsResult(value: unknown): ParseResult<EsPairsResult> {
  return tryParse(() => readResult(value));
}

/** Parses the published config record (after JSON.parse). Never throws. */
export function parseClusterConfigRecord(value: unknown): ParseResult<ClusterConfigRecord> {
  return tryParse(() => readConfigRecord(value));
}
