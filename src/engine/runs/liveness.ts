/**
 * The one liveness rule for runs (docs/contracts.md §1), used by the trainer taking a lock, the
 * explorer, the panels and the CLI. A run's owner is `host + pid + boot id + heartbeat`:
 * - a heartbeat older than STALE_AFTER_MS means the owner is gone (or hung), wherever it ran;
 * - on this machine (same host and boot id) the pid must also exist;
 * - on this host with another boot id the machine restarted since: every process of then is gone;
 * - on another host only the heartbeat can be judged.
 * Pure: the machine, the process probe and the clock are passed in.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** How often a training run rewrites its heartbeat (a timer, so also during long evaluations). */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/**
 * A heartbeat older than this marks its owner gone. Generous next to the interval because a
 * synchronous runner (the float64 reference) blocks the timer for a whole meta-step.
 */
export const STALE_AFTER_MS = 5 * 60_000;

/** Who claims a run: from run.lock, or from status.json for runs written before the lock existed. */
export interface RunOwner {
  readonly host?: string;
  readonly pid: number;
  readonly bootId?: string;
  /** ISO time of the last sign of life (lock heartbeat, else status updatedAt). */
  readonly heartbeatAt: string;
}

/** The machine doing the judging. */
export interface Here {
  readonly host: string;
  readonly bootId?: string;
  /** True when a process with this pid exists on this machine. */
  isAlive(pid: number): boolean;
  now(): Date;
}

export type Liveness = { readonly live: true } | { readonly live: false; readonly reason: string };

export function judgeLiveness(owner: RunOwner, here: Here, staleAfterMs = STALE_AFTER_MS): Liveness {
  const beat = Date.parse(owner.heartbeatAt);
  if (!Number.isFinite(beat)) return { live: false, reason: `its last heartbeat time "${owner.heartbeatAt}" is not a date` };
  const age = here.now().getTime() - beat;
  if (age > staleAfterMs) return { live: false, reason: `no heartbeat for ${Math.round(age / 1000)} s (last ${owner.heartbeatAt})` };
  // Runs written before host was recorded were judged on this machine; keep doing so.
  const sameHost = owner.host === undefined || owner.host === here.host;
  if (!sameHost) return { live: true };
  if (owner.bootId !== undefined && here.bootId !== undefined && owner.bootId !== here.bootId)
    return { live: false, reason: `this machine restarted since process ${owner.pid} last wrote` };
  if (!here.isAlive(owner.pid)) return { live: false, reason: `process ${owner.pid} is gone without finishing the run` };
  return { live: true };
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

let bootIdCache: string | null | undefined;
/** This machine's boot id (Linux), undefined elsewhere. */
export function bootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

/** This machine, probing real processes and the real clock. */
export function thisMachine(): Here {
  return { host: hostname(), bootId: bootId(), isAlive: processIsAlive, now: () => new Date() };
}
