import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunLock } from '../../../src/engine/runs/run-lock';
import type { Here } from '../../../src/engine/runs/liveness';
import { EngineError } from '../../../src/engine/errors';

const lockFile = (): string => join(mkdtempSync(join(tmpdir(), 'vsml-lock-')), 'run.lock');

/** A machine with a settable clock where only the pids in `alive` exist. */
function machine(alive: number[]) {
  let t = Date.parse('2026-12-01T12:00:00Z');
  const here: Here = { host: 'box', bootId: 'b1', isAlive: (pid) => alive.includes(pid), now: () => new Date(t) };
  return { here, advance: (ms: number) => (t += ms) };
}

test('one owner: a second trainer on a live lock is refused, naming the owner', () => {
  const file = lockFile();
  const { here } = machine([10, 20]);
  const a = RunLock.acquire(file, here, 10);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(Object.keys(saved).sort(), ['bootId', 'heartbeatAt', 'host', 'pid', 'startedAt']);
  assert.equal(saved.pid, 10);
  assert.throws(() => RunLock.acquire(file, here, 20), (e: unknown) => e instanceof EngineError && /being trained by process 10 on box/.test(e.message));
  a.release();
  assert.equal(existsSync(file), false);
  RunLock.acquire(file, here, 20).release();
});

test('the heartbeat keeps a lock live past the staleness limit; without it the lock goes stale', () => {
  const file = lockFile();
  const m = machine([10, 20]);
  const a = RunLock.acquire(file, m.here, 10);
  for (let i = 0; i < 100; i++) {
    m.advance(5_000);
    a.beat();
  }
  assert.throws(() => RunLock.acquire(file, m.here, 20), /being trained by process 10/);
  m.advance(6 * 60_000); // pid 10 still exists (reused?), but no heartbeat for 6 min
  const logs: string[] = [];
  const b = RunLock.acquire(file, m.here, 20, (s) => logs.push(s));
  assert.match(logs.join('\n'), /taking over the stale lock of process 10 on box: no heartbeat for 360 s/);
  // The old owner notices at its next beat, and its release leaves the new owner's lock alone.
  a.beat();
  assert.match(a.lost ?? '', /now belongs to process 20 on box/);
  a.release();
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, 20);
  b.release();
});

test('an unreadable lock is given time (it may be being created), then replaced', () => {
  const file = lockFile();
  writeFileSync(file, '');
  const m = machine([]);
  const real = { ...m.here, now: () => new Date() };
  assert.throws(() => RunLock.acquire(file, real, 10), /being taken by another trainer/);
  const later = { ...m.here, now: () => new Date(Date.now() + 60_000) };
  const logs: string[] = [];
  RunLock.acquire(file, later, 10, (s) => logs.push(s)).release();
  assert.match(logs[0], /replacing an unreadable lock/);
});
