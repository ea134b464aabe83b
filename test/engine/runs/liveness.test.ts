import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Here, type RunOwner, STALE_AFTER_MS, judgeLiveness } from '../../../src/engine/runs/liveness';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const here = (over: Partial<Here> = {}): Here => ({ host: 'box', bootId: 'boot-1', isAlive: (pid) => pid === 100, now: () => new Date(T0), ...over });
const owner = (over: Partial<RunOwner> = {}): RunOwner => ({ host: 'box', bootId: 'boot-1', pid: 100, heartbeatAt: new Date(T0 - 1000).toISOString(), ...over });
const reason = (l: ReturnType<typeof judgeLiveness>): string => (l.live ? 'live' : l.reason);

test('this machine: live while the pid exists and the heartbeat is fresh', () => {
  assert.equal(reason(judgeLiveness(owner(), here())), 'live');
  assert.match(reason(judgeLiveness(owner({ pid: 101 }), here())), /process 101 is gone/);
});

test('a heartbeat older than the one staleness limit is stale, even with a live pid (pid reuse, hung trainer)', () => {
  const old = new Date(T0 - STALE_AFTER_MS - 1000).toISOString();
  assert.match(reason(judgeLiveness(owner({ heartbeatAt: old }), here())), /no heartbeat for 301 s/);
  const edge = new Date(T0 - STALE_AFTER_MS).toISOString();
  assert.equal(reason(judgeLiveness(owner({ heartbeatAt: edge }), here())), 'live');
  assert.match(reason(judgeLiveness(owner({ heartbeatAt: 'yesterday' }), here())), /not a date/);
});

test('same host, other boot id: the machine restarted, so the owner is gone whatever the pid', () => {
  assert.match(reason(judgeLiveness(owner({ bootId: 'boot-0' }), here())), /restarted/);
});

test('another host is judged by heartbeat only (its pids mean nothing here)', () => {
  assert.equal(reason(judgeLiveness(owner({ host: 'far', pid: 55 }), here())), 'live');
  const old = new Date(T0 - STALE_AFTER_MS - 60_000).toISOString();
  assert.match(reason(judgeLiveness(owner({ host: 'far', pid: 55, heartbeatAt: old }), here())), /no heartbeat/);
});

test('runs written before host/boot id were recorded are judged on this machine', () => {
  assert.equal(reason(judgeLiveness({ pid: 100, heartbeatAt: new Date(T0).toISOString() }, here())), 'live');
  assert.match(reason(judgeLiveness({ pid: 7, heartbeatAt: new Date(T0).toISOString() }, here({ bootId: undefined }))), /gone/);
});
