/**
 * Finds the runs under a runs folder and decides what state to show for each (docs/contracts.md §1).
 * Pure over an injected file reader and process probe, so it is unit-tested without VS Code
 * and without real trainers. The extension host calls it on start and on every watcher event.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunStatus, parseRunStatus } from '../../protocol/run-records';

/** What the discovery needs from the file system. */
export interface RunFs {
  /** Names of the subfolders of `dir` ([] when `dir` does not exist). */
  listDirs(dir: string): Promise<string[]>;
  /** File text, or undefined when the file does not exist. */
  readText(file: string): Promise<string | undefined>;
}

export const nodeRunFs: RunFs = {
  async listDirs(dir) {
    try {
      return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },
  async readText(file) {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
};

/** One run folder as the explorer shows it. */
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
}

export interface LivenessProbe {
  /** True when a process with this pid exists on this machine. */
  isAlive(pid: number): boolean;
  now(): Date;
  /** Run ids whose trainer this extension host is running right now (never vanished). */
  ownedRunIds: ReadonlySet<string>;
  /** A running status not updated for this long is stale even if its pid exists (pid reuse). */
  staleAfterMs: number;
}

/** `kill(pid, 0)` probes without signalling: ESRCH = gone, EPERM = exists but not ours. */
export function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a status that claims `running` cannot be believed, or undefined when it can.
 * The contract: no live process with `pid`, or a stale `updatedAt`.
 */
export function vanishedReason(status: RunStatus, probe: LivenessProbe): string | undefined {
  if (status.state !== 'running' || probe.ownedRunIds.has(status.runId)) return undefined;
  if (!probe.isAlive(status.pid)) return `trainer vanished: process ${status.pid} is gone without finishing the run`;
  const updated = Date.parse(status.updatedAt);
  const age = probe.now().getTime() - updated;
  if (Number.isFinite(updated) && age > probe.staleAfterMs) {
    return `trainer vanished: no progress for ${Math.round(age / 1000)} s (last update ${status.updatedAt})`;
  }
  return undefined;
}

/** The status to write back for a run whose trainer is gone (metrics and checkpoints stay as they are). */
export function failedStatus(status: RunStatus, reason: string, now: Date): RunStatus {
  return { ...status, state: 'failed', error: reason, updatedAt: now.toISOString(), endedAt: status.endedAt ?? now.toISOString() };
}

function sourceOfConfig(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const cfg = JSON.parse(text) as { source?: unknown };
    return typeof cfg.source === 'string' ? cfg.source : undefined;
  } catch {
    return undefined;
  }
}

async function readRun(runsDir: string, runId: string, fs: RunFs, probe: LivenessProbe): Promise<DiscoveredRun> {
  const dir = join(runsDir, runId);
  const statusText = await fs.readText(join(dir, 'status.json'));
  const configSource = sourceOfConfig(await fs.readText(join(dir, 'config.json')));
  const base = { runId, dir, ...(configSource !== undefined ? { source: configSource } : {}) };
  if (statusText === undefined) return { ...base, problem: 'no status.json yet' };
  let json: unknown;
  try {
    json = JSON.parse(statusText);
  } catch (e) {
    return { ...base, problem: `status.json is not JSON: ${(e as Error).message}` };
  }
  const parsed = parseRunStatus(json);
  if (!parsed.ok) return { ...base, problem: `status.json: ${parsed.error}` };
  const status = parsed.message;
  const vanished = vanishedReason(status, probe);
  return {
    ...base,
    status,
    source: status.source || configSource || '',
    ...(vanished !== undefined ? { vanished } : {}),
  };
}

/**
 * Every run folder under `runsDir`, newest first by startedAt; runs without a readable status
 * come first (a run being created has none yet).
 */
export async function discoverRuns(runsDir: string, probe: LivenessProbe, fs: RunFs = nodeRunFs): Promise<DiscoveredRun[]> {
  const ids = (await fs.listDirs(runsDir)).filter((n) => !n.startsWith('.'));
  const runs = await Promise.all(ids.map((id) => readRun(runsDir, id, fs, probe)));
  const key = (r: DiscoveredRun): string => `${r.status?.startedAt ?? ''}|${r.runId}`;
  return runs.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}
