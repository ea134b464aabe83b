/**
 * run.lock: one trainer owns a run (docs/contracts.md §1). Taken with an exclusive create when a
 * run starts or resumes; a lock held by a live owner (liveness.ts) refuses the second trainer,
 * a stale one is taken over (and the log says so). While training, a timer rewrites the heartbeat
 * every HEARTBEAT_INTERVAL_MS, so long evaluations on worker threads keep the run alive.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { EngineError } from '../errors';
import { type RunLockRecord, parseRunLock } from '../../protocol/run-records';
import { createExclusive, readRegularFile, writeFileAtomic } from './atomic-file';
import { type Here, HEARTBEAT_INTERVAL_MS, STALE_AFTER_MS, judgeLiveness } from './liveness';

export const LOCK_FILE = 'run.lock';
/** A lock file is a few hundred bytes; anything bigger is not ours. */
const MAX_LOCK_BYTES = 64 * 1024;

/** Reads run.lock: the record, or why it could not be read; undefined when there is no lock. */
export function readLockFile(file: string): { lock?: RunLockRecord; problem?: string } | undefined {
  let buf: Buffer | undefined;
  try {
    buf = readRegularFile(file, MAX_LOCK_BYTES);
  } catch (e) {
    return { problem: (e as Error).message };
  }
  if (!buf) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    return { problem: `${file} is not JSON (${(e as Error).message})` };
  }
  const parsed = parseRunLock(json);
  return parsed.ok ? { lock: parsed.message } : { problem: `${file}: ${parsed.error}` };
}

const describeOwner = (l: RunLockRecord): string => `process ${l.pid} on ${l.host}`;
const sameOwner = (a: RunLockRecord, b: RunLockRecord): boolean => a.host === b.host && a.pid === b.pid && a.startedAt === b.startedAt;

export class RunLock {
  private timer: NodeJS.Timeout | undefined;
  private lostReason: string | undefined;

  private constructor(readonly file: string, private record: RunLockRecord, private readonly here: Here) {}

  /**
   * Takes the lock at `file` for this process, or throws an EngineError naming the live owner.
   * `log` hears about a stale lock taken over.
   */
  static acquire(file: string, here: Here, pid: number, log: (message: string) => void = () => undefined): RunLock {
    const now = here.now().toISOString();
    const mine: RunLockRecord = { host: here.host, pid, ...(here.bootId ? { bootId: here.bootId } : {}), startedAt: now, heartbeatAt: now };
    const text = `${JSON.stringify(mine)}\n`;
    if (createExclusive(file, text)) return new RunLock(file, mine, here);
    const found = readLockFile(file);
    if (found?.lock) {
      const l = judgeLiveness(found.lock, here);
      if (l.live)
        throw new EngineError('', `is being trained by ${describeOwner(found.lock)} (heartbeat ${found.lock.heartbeatAt})`,
          `stop that trainer first; if it is gone, the lock counts as stale ${Math.round(STALE_AFTER_MS / 60_000)} min after its last heartbeat`, file);
      log(`taking over the stale lock of ${describeOwner(found.lock)}: ${l.reason}`);
    } else {
      // Unreadable: a lock being created this very moment, or garbage. Give a fresh one time to appear.
      const age = here.now().getTime() - lstatSync(file).mtimeMs;
      if (age < HEARTBEAT_INTERVAL_MS * 2)
        throw new EngineError('', `is being taken by another trainer (${found?.problem ?? 'unreadable'})`, 'try again in a few seconds', file);
      log(`replacing an unreadable lock: ${found?.problem ?? 'unreadable'}`);
    }
    writeFileAtomic(file, text);
    // Two trainers taking over the same stale lock: the last rename wins; the other must see it lost.
    const now2 = readLockFile(file)?.lock;
    if (!now2 || !sameOwner(now2, mine))
      throw new EngineError('', `was taken by ${now2 ? describeOwner(now2) : 'another trainer'} at the same moment`, 'stop that trainer first', file);
    return new RunLock(file, mine, here);
  }

  /** Why this process no longer owns the run (another trainer took the lock over), else undefined. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Rewrites the heartbeat, unless the lock was taken over (then `lost` says so). */
  beat(): void {
    if (this.lostReason) return;
    const on = readLockFile(this.file)?.lock;
    if (!on || !sameOwner(on, this.record)) {
      this.lostReason = `${this.file} now belongs to ${on ? describeOwner(on) : 'nobody'}: another trainer took this run over`;
      this.stopHeartbeat();
      return;
    }
    this.record = { ...this.record, heartbeatAt: this.here.now().toISOString() };
    writeFileAtomic(this.file, `${JSON.stringify(this.record)}\n`);
  }

  /** Beats every `intervalMs` on a timer that does not keep the process alive. Write errors are reported once to `onError`. */
  startHeartbeat(onError: (e: Error) => void, intervalMs = HEARTBEAT_INTERVAL_MS): void {
    this.stopHeartbeat();
    this.timer = setInterval(() => {
      try {
        this.beat();
      } catch (e) {
        this.stopHeartbeat();
        onError(e as Error);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops the heartbeat and removes the lock if it is still ours. */
  release(): void {
    this.stopHeartbeat();
    if (this.lostReason) return;
    const on = readLockFile(this.file)?.lock;
    if (on && sameOwner(on, this.record)) unlinkSync(this.file);
  }
}
