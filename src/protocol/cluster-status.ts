/**
 * What `vsml cluster status --json` prints (docs/contracts.md §6, "Status"): one JSON line with the
 * workers connected to the `vsml-es` queue, the queue's job counts, and each worker's recent speed
 * (ES pairs per second over the newest completed jobs). The CLI writes it with
 * formatClusterStatus; the extension's status bar reads it with parseClusterStatus.
 */
import { FieldError, type ParseResult, arr, nonEmptyStr, nonNegInt, num, obj, str, tryParse } from './fields';

export interface ClusterWorkerInfo {
  /** The worker's BullMQ name: `host:pid` for `vsml worker`. */
  name: string;
  /** Its Redis client address (`ip:port`), '' when Redis did not say. */
  addr: string;
  /** Seconds since its connection last ran a command (a busy worker renews its lock often). */
  idleSeconds: number;
}

export interface ClusterWorkerSpeed {
  worker: string;
  /** Completed jobs read (of the newest `recentJobs`), their pairs, and the worker's seconds on them. */
  jobs: number;
  pairs: number;
  seconds: number;
  /** pairs / seconds; 0 when the seconds are 0. */
  pairsPerSecond: number;
}

export interface ClusterStatus {
  type: 'cluster/status';
  /** The Redis URL, password masked. */
  url: string;
  queue: string;
  workers: ClusterWorkerInfo[];
  counts: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  /** How many of the newest completed jobs the speeds were read from. */
  recentJobs: number;
  speeds: ClusterWorkerSpeed[];
}

/** Workers and speeds one status line may list (a bad line must not cost memory). */
const MAX_ROWS = 10_000;

export function formatClusterStatus(s: ClusterStatus): string {
  return `${JSON.stringify(s)}\n`;
}

function readStatus(value: unknown): ClusterStatus {
  const p = 'cluster/status';
  const o = obj(value, p);
  if (o['type'] !== 'cluster/status') throw new FieldError(`${p}.type`, '"cluster/status"', o['type']);
  const rows = (key: string): readonly unknown[] => {
    const a = arr(o, key, p);
    if (a.length > MAX_ROWS) throw new FieldError(`${p}.${key}`, `at most ${MAX_ROWS} entries`, `${a.length} entries`);
    return a;
  };
  const nonNeg = (x: Readonly<Record<string, unknown>>, key: string, path: string): number => {
    const v = num(x, key, path);
    if (v < 0) throw new FieldError(`${path}.${key}`, 'a number >= 0', v);
    return v;
  };
  const workers = rows('workers').map((w, i) => {
    const wp = `${p}.workers[${i}]`;
    const x = obj(w, wp);
    return { name: nonEmptyStr(x, 'name', wp), addr: str(x, 'addr', wp), idleSeconds: nonNeg(x, 'idleSeconds', wp) };
  });
  const c = obj(o['counts'], `${p}.counts`);
  const cp = `${p}.counts`;
  const counts = { waiting: nonNegInt(c, 'waiting', cp), active: nonNegInt(c, 'active', cp), delayed: nonNegInt(c, 'delayed', cp), failed: nonNegInt(c, 'failed', cp), completed: nonNegInt(c, 'completed', cp) };
  const speeds = rows('speeds').map((s, i) => {
    const sp = `${p}.speeds[${i}]`;
    const x = obj(s, sp);
    return { worker: nonEmptyStr(x, 'worker', sp), jobs: nonNegInt(x, 'jobs', sp), pairs: nonNegInt(x, 'pairs', sp), seconds: nonNeg(x, 'seconds', sp), pairsPerSecond: nonNeg(x, 'pairsPerSecond', sp) };
  });
  return { type: 'cluster/status', url: str(o, 'url', p), queue: nonEmptyStr(o, 'queue', p), workers, counts, recentJobs: nonNegInt(o, 'recentJobs', p), speeds };
}

/** Parses the status line among whatever else the CLI printed (lines not starting with `{` are skipped). Never throws. */
export function parseClusterStatus(stdout: string): ParseResult<ClusterStatus> {
  return tryParse(() => {
    const line = stdout.split('\n').map((l) => l.trim()).find((l) => l.startsWith('{'));
    if (!line) throw new FieldError('vsml cluster status output', 'one JSON line', stdout.slice(0, 80));
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new FieldError('vsml cluster status output', 'a JSON object', line.slice(0, 80));
    }
    return readStatus(json);
  });
}
