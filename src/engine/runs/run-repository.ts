/**
 * The one reader of run folders (docs/contracts.md §1) for the explorer, the panels, the cost lens
 * and the CLI: list runs, read status / config / lock, tail metrics.jsonl, and decide liveness with
 * the one rule of liveness.ts. Streaming a whole jsonl file (with byte offsets to continue from)
 * is its companion jsonl-stream.ts.
 *
 * A run folder may come from a cloned repository and is read in Restricted Mode too, so every read
 * is asynchronous, lstat()s first, never follows a symlink (a link to /dev/zero would never end),
 * refuses special files, and is bounded in bytes. What cannot be read becomes a `problem` string
 * naming the file, never a throw out of listing. No vscode import: unit-tested in node.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ParseResult } from '../../protocol/fields';
import {
  type RunLockRecord, type RunStatus, parseRunLock, parseRunStatus,
} from '../../protocol/run-records';
import { type Here, type RunOwner, judgeLiveness } from './liveness';
import { readJsonlRows } from './jsonl-stream';
import { LOCK_FILE } from './run-lock';
import { type SweepTag, parseSweepTag } from '../../protocol/sweep-record';
import { SWEEPS_DIR } from '../sweep/sweep-file';

const NEWLINE = 0x0a;

/** status.json, config.json and run.lock are small; anything bigger than this is refused, not read. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/** Why `file` is not read, or undefined when it is a regular file (ENOENT propagates as 'missing'). */
async function refusal(file: string, maxBytes: number): Promise<{ missing: true } | { problem: string } | { size: number }> {
  let st;
  try {
    st = await lstat(file);
  } catch (e) {
    if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return { missing: true };
    return { problem: `${file}: ${(e as Error).message}` };
  }
  if (st.isSymbolicLink()) return { problem: `${file} is a symbolic link; run files are never read through links` };
  if (!st.isFile()) return { problem: `${file} is not a regular file; not read` };
  if (st.size > maxBytes) return { problem: `${file} is ${st.size} bytes, more than the ${maxBytes} read here; not read` };
  return { size: st.size };
}

/** Reads bytes [start, start+length) of a regular file opened without following links. */
async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | O_NOFOLLOW);
  try {
    if (!(await fh.stat()).isFile()) throw new Error(`${file} is not a regular file; not read`);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What the repository needs from the file system; tests pass an in-memory one. */
export interface RunFs {
  /** Names of the real subfolders of `dir` (symlinks skipped; [] when `dir` does not exist). */
  listDirs(dir: string): Promise<string[]>;
  /** Text of a small regular file; undefined when missing; throws (with the file named) when refused. */
  readText(file: string, maxBytes: number): Promise<string | undefined>;
}

export const nodeRunFs: RunFs = {
  async listDirs(dir) {
    try {
      return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return [];
      throw e;
    }
  },
  async readText(file, maxBytes) {
    const r = await refusal(file, maxBytes);
    if ('missing' in r) return undefined;
    if ('problem' in r) throw new Error(r.problem);
    return (await readRange(file, 0, r.size)).toString('utf8');
  },
};

/** A small JSON file parsed by `parse`: the value, or a problem naming the file; {} when missing. */
export async function readJsonRecord<T>(file: string, parse: (v: unknown) => ParseResult<T>, fs: RunFs = nodeRunFs, maxBytes = MAX_RECORD_BYTES): Promise<{ value?: T; problem?: string; missing?: true }> {
  let text: string | undefined;
  try {
    text = await fs.readText(file, maxBytes);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  if (text === undefined) return { missing: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problem: `${file} is not JSON: ${(e as Error).message}` };
  }
  const parsed = parse(json);
  return parsed.ok ? { value: parsed.message } : { problem: `${file}: ${parsed.error}` };
}

const anyJson = (v: unknown): ParseResult<unknown> => ({ ok: true, message: v });

export async function readRunStatus(dir: string, fs: RunFs = nodeRunFs): Promise<{ status?: RunStatus; problem?: string }> {
  const r = await readJsonRecord(join(dir, 'status.json'), parseRunStatus, fs);
  if (r.missing) return { problem: `${dir}: no status.json yet` };
  return r.value ? { status: r.value } : { problem: r.problem };
}

/** config.json: the resolved experiment config (validated by whoever uses it); {} when missing. */
export async function readRunConfig(dir: string, fs: RunFs = nodeRunFs): Promise<{ config?: unknown; problem?: string }> {
  const r = await readJsonRecord(join(dir, 'config.json'), anyJson, fs);
  return r.problem ? { problem: r.problem } : r.missing ? {} : { config: r.value };
}

export async function readRunLock(dir: string, fs: RunFs = nodeRunFs): Promise<{ lock?: RunLockRecord; problem?: string }> {
  const r = await readJsonRecord(join(dir, LOCK_FILE), parseRunLock, fs);
  return r.value ? { lock: r.value } : r.problem ? { problem: r.problem } : {};
}

/** Who claims a run: the lock when there is one (it has the heartbeat), else what status.json says. */
export function ownerOf(status: RunStatus, lock?: RunLockRecord): RunOwner {
  if (lock && lock.pid === status.pid) {
    // The later of the two is the last sign of life.
    const beat = Date.parse(lock.heartbeatAt) >= Date.parse(status.updatedAt) ? lock.heartbeatAt : status.updatedAt;
    return { ...lock, heartbeatAt: beat };
  }
  return { host: status.host, pid: status.pid, bootId: status.bootId, heartbeatAt: status.updatedAt };
}

/** Who judges liveness, and which runs this window itself trains (never vanished). */
export interface LivenessContext {
  readonly here: Here;
  readonly ownedRunIds: ReadonlySet<string>;
}

/** Why a status that claims `running` cannot be believed, or undefined when it can (liveness.ts's rule). */
export function vanishedReason(status: RunStatus, lock: RunLockRecord | undefined, ctx: LivenessContext): string | undefined {
  if (status.state !== 'running' || ctx.ownedRunIds.has(status.runId)) return undefined;
  const l = judgeLiveness(ownerOf(status, lock), ctx.here);
  return l.live ? undefined : `trainer vanished: ${l.reason}`;
}

/** The status to write back for a run whose trainer is gone (metrics and checkpoints stay as they are). */
export function failedStatus(status: RunStatus, reason: string, now: Date): RunStatus {
  return { ...status, state: 'failed', error: reason, updatedAt: now.toISOString(), endedAt: status.endedAt ?? now.toISOString() };
}

/** One run folder as the explorer and the panels show it. */
export interface DiscoveredRun {
  readonly runId: string;
  readonly dir: string;
  /** The parsed status.json; undefined when missing or unreadable (then `problem` says why). */
  readonly status?: RunStatus;
  readonly problem?: string;
  /** `source` of status.json, else of config.json: the .vsml.json the run came from. */
  readonly source?: string;
  /** Set when status.json says running but the trainer is gone: show (and write back) failed. */
  readonly vanished?: string;
  /** `sweep` of config.json: the sweep (and combination) that made this run (`vsml sweep`). */
  readonly sweep?: SweepTag;
}

async function readRun(runsDir: string, runId: string, fs: RunFs, ctx: LivenessContext): Promise<DiscoveredRun> {
  const dir = join(runsDir, runId);
  const cfg = await readRunConfig(dir, fs);
  const { source: src, sweep: tag } = (cfg.config ?? {}) as { source?: unknown; sweep?: unknown };
  const sweep = tag === undefined ? undefined : parseSweepTag(tag);
  const base = { runId, dir, ...(typeof src === 'string' ? { source: src } : {}), ...(sweep?.ok ? { sweep: sweep.message } : {}) };
  const s = await readJsonRecord(join(dir, 'status.json'), parseRunStatus, fs);
  if (s.missing) return { ...base, problem: 'no status.json yet' };
  if (!s.value) return { ...base, problem: s.problem ?? 'status.json unreadable' };
  const status = s.value;
  const lock = status.state === 'running' ? (await readRunLock(dir, fs)).lock : undefined;
  const vanished = vanishedReason(status, lock, ctx);
  return { ...base, status, source: status.source || base.source || '', ...(vanished !== undefined ? { vanished } : {}) };
}

/**
 * Every run folder under `runsDir`, newest first by startedAt; runs without a readable status
 * come first (a run being created has none yet). Symlinked folders are not runs, nor is the
 * folder of sweep files.
 */
export async function discoverRuns(runsDir: string, ctx: LivenessContext, fs: RunFs = nodeRunFs): Promise<DiscoveredRun[]> {
  const ids = (await fs.listDirs(runsDir)).filter((n) => !n.startsWith('.') && n !== SWEEPS_DIR);
  const runs = await Promise.all(ids.map((id) => readRun(runsDir, id, fs, ctx)));
  const key = (r: DiscoveredRun): string => `${r.status?.startedAt ?? ''}|${r.runId}`;
  return runs.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

/**
 * The rows in the last `maxBytes` of a jsonl file (a line cut by that window is dropped): what a
 * reader that wants recent figures needs (the cost lens's speed), in bounded time and memory.
 */
export async function tailJsonl<T>(file: string, parse: (v: unknown) => ParseResult<T>, maxBytes: number): Promise<{ rows: T[]; problems: string[] }> {
  const r = await refusal(file, Number.MAX_SAFE_INTEGER);
  if ('missing' in r) return { rows: [], problems: [] };
  if ('problem' in r) return { rows: [], problems: [r.problem] };
  let start = 0;
  if (r.size > maxBytes) {
    const window = await readRange(file, r.size - maxBytes, maxBytes);
    const firstNewline = window.indexOf(NEWLINE);
    if (firstNewline < 0) return { rows: [], problems: [] };
    start = r.size - maxBytes + firstNewline + 1;
  }
  const { rows, problems } = await readJsonlRows(file, start, parse, Number.POSITIVE_INFINITY);
  return { rows, problems };
}
/**
 * Why `dir` must not be treated as a run folder of `runsDirs` (deleted, resumed), or undefined when
 * it is one: a real folder (not a link) directly inside one of the runs folders, holding a regular
 * status.json. Guards commands whose argument could name any folder.
 */
export async function notARunFolder(dir: string, runsDirs: readonly string[]): Promise<string | undefined> {
  const full = resolve(dir);
  const name = basename(full);
  if (!runsDirs.some((d) => resolve(d) === dirname(full)) || name === '' || name.startsWith('.'))
    return `${full} is not directly inside a runs folder (${runsDirs.join(', ') || 'none configured'})`;
  let st;
  try {
    st = await lstat(full);
  } catch (e) {
    return `${full}: ${errCode(e) === 'ENOENT' ? 'does not exist' : (e as Error).message}`;
  }
  if (st.isSymbolicLink()) return `${full} is a symbolic link, not a run folder`;
  if (!st.isDirectory()) return `${full} is not a folder`;
  const status = await refusal(join(full, 'status.json'), MAX_RECORD_BYTES);
  if ('missing' in status) return `${full} has no status.json: not a run folder`;
  if ('problem' in status) return status.problem;
  return undefined;
}

/** The live trainer holding run.lock of `dir` ("process 12 on box"), or undefined when none is live. */
export async function liveOwnerOf(dir: string, here: Here, fs: RunFs = nodeRunFs): Promise<string | undefined> {
  const { lock } = await readRunLock(dir, fs);
  if (!lock) return undefined;
  return judgeLiveness(lock, here).live ? `process ${lock.pid} on ${lock.host} (heartbeat ${lock.heartbeatAt})` : undefined;
}
