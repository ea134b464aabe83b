import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync, openSync, ftruncateSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunLockRecord, RunStatus } from '../../../src/protocol/run-records';
import { parseMetricsRow } from '../../../src/protocol/run-records';
import { type Here } from '../../../src/engine/runs/liveness';
import {
  type LivenessContext, type RunFs, discoverRuns, failedStatus, liveOwnerOf, notARunFolder, tailJsonl, vanishedReason,
} from '../../../src/engine/runs/run-repository';

const NOW = new Date('2026-11-27T19:30:00Z');
const status = (over: Partial<RunStatus> = {}): RunStatus => ({
  state: 'running', runId: 'default-20261127-191500-a1b2', name: 'default', source: 'examples/default.vsml.json', pid: 1234,
  startedAt: '2026-11-27T19:15:00.000Z', updatedAt: '2026-11-27T19:29:50.000Z', step: 120, totalSteps: 600, elapsedSeconds: 81.2,
  runner: { path: 'fused-native', backend: 'native-avx2', threads: 2 }, ...over,
});
const here = (over: Partial<Here> = {}): Here => ({ host: 'box', bootId: 'b1', isAlive: () => true, now: () => NOW, ...over });
const ctx = (over: Partial<Here> = {}, owned: string[] = []): LivenessContext => ({ here: here(over), ownedRunIds: new Set(owned) });
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-repo-'));
const row = (step: number): string => JSON.stringify({ step, time: step, metaLoss: 2.3 - step / 100, lossPos: 2.3, lossNeg: 2.3, trainAccuracy: 0.1, gradNorm: 1, thetaNorm: 3, stepSeconds: 0.5 });

/** An in-memory runs folder: { '<run>/status.json': text }. */
function memFs(files: Record<string, string>): RunFs {
  return {
    async listDirs(dir) {
      return [...new Set(Object.keys(files).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]))];
    },
    async readText(file) {
      return files[file];
    },
  };
}

describe('vanishedReason (the one liveness rule)', () => {
  it('believes a running status whose process is alive and fresh', () => {
    assert.equal(vanishedReason(status(), undefined, ctx()), undefined);
  });
  it('says vanished when the pid is gone', () => {
    assert.match(vanishedReason(status(), undefined, ctx({ isAlive: () => false })) ?? '', /trainer vanished: process 1234 is gone/);
  });
  it('says vanished when the last sign of life is stale even if the pid exists (pid reuse)', () => {
    assert.match(vanishedReason(status({ updatedAt: '2026-11-27T19:00:00.000Z' }), undefined, ctx()) ?? '', /no heartbeat for 1800 s/);
  });
  it('a fresh lock heartbeat keeps a run alive through a long evaluation (status not rewritten meanwhile)', () => {
    const old = status({ updatedAt: '2026-11-27T19:00:00.000Z', host: 'box', bootId: 'b1' });
    const lock: RunLockRecord = { host: 'box', pid: 1234, bootId: 'b1', startedAt: old.startedAt, heartbeatAt: '2026-11-27T19:29:58.000Z' };
    assert.equal(vanishedReason(old, lock, ctx()), undefined);
    // A lock of another process (a stale one left behind) does not vouch for this status.
    assert.match(vanishedReason(old, { ...lock, pid: 9 }, ctx()) ?? '', /no heartbeat/);
  });
  it('judges a run on another host by its heartbeat only', () => {
    assert.equal(vanishedReason(status({ host: 'far' }), undefined, ctx({ isAlive: () => false })), undefined);
    assert.match(vanishedReason(status({ host: 'box', bootId: 'b0' }), undefined, ctx()) ?? '', /restarted/);
  });
  it('never calls a run this window trains vanished, nor a finished one', () => {
    assert.equal(vanishedReason(status(), undefined, ctx({ isAlive: () => false }, [status().runId])), undefined);
    assert.equal(vanishedReason(status({ state: 'finished' }), undefined, ctx({ isAlive: () => false })), undefined);
  });
});

describe('failedStatus', () => {
  it('marks failed with the reason and keeps the progress', () => {
    const f = failedStatus(status(), 'trainer vanished', NOW);
    assert.equal(f.state, 'failed');
    assert.equal(f.error, 'trainer vanished');
    assert.equal(f.step, 120);
    assert.equal(f.endedAt, NOW.toISOString());
  });
});

describe('discoverRuns', () => {
  it('reads every run, newest first, with problems named instead of thrown', async () => {
    const runs = '/w/.vsml/runs';
    const fs = memFs({
      [`${runs}/a-20261127-100000-0001/status.json`]: JSON.stringify(status({ runId: 'a-20261127-100000-0001', startedAt: '2026-11-27T10:00:00Z', state: 'finished' })),
      [`${runs}/b-20261127-120000-0002/status.json`]: JSON.stringify(status({ runId: 'b-20261127-120000-0002', startedAt: '2026-11-27T12:00:00Z', pid: 99 })),
      [`${runs}/c-torn/status.json`]: '{"state": "runn',
      [`${runs}/d-bad/status.json`]: JSON.stringify({ ...status(), step: -1 }),
      [`${runs}/e-new/config.json`]: JSON.stringify({ source: 'e.vsml.json' }),
    });
    const found = await discoverRuns(runs, ctx({ isAlive: (pid) => pid !== 99 }), fs);
    // Runs without a readable status first (one being created has none yet), then by start time.
    assert.deepEqual(found.map((r) => r.runId), ['e-new', 'd-bad', 'c-torn', 'b-20261127-120000-0002', 'a-20261127-100000-0001']);
    assert.match(found[3].vanished ?? '', /process 99 is gone/);
    assert.equal(found[4].vanished, undefined);
    assert.equal(found[4].status?.state, 'finished');
    assert.equal(found[0].problem, 'no status.json yet');
    assert.equal(found[0].source, 'e.vsml.json');
    assert.match(found[1].problem ?? '', /status\.json: status\.step: expected an integer >= 0/);
    assert.match(found[2].problem ?? '', /status\.json is not JSON/);
  });

  it('reads the sweep tag of config.json (a malformed one is no tag) and does not take the sweeps folder for a run', async () => {
    const runs = '/w/.vsml/runs';
    const fs = memFs({
      [`${runs}/a-20261127-100000-0001/status.json`]: JSON.stringify(status({ runId: 'a-20261127-100000-0001', state: 'finished' })),
      [`${runs}/a-20261127-100000-0001/config.json`]: JSON.stringify({ source: 'a.json', sweep: { name: 'lr', sets: ['optimizer.lr=0.1'] } }),
      [`${runs}/b-20261127-100000-0002/config.json`]: JSON.stringify({ source: 'a.json', sweep: { name: '../x', sets: ['optimizer.lr=0.1'] } }),
      [`${runs}/sweeps/lr.json`]: '{}',
    });
    const found = await discoverRuns(runs, ctx(), fs);
    assert.deepEqual(found.map((r) => r.runId).sort(), ['a-20261127-100000-0001', 'b-20261127-100000-0002']);
    assert.deepEqual(found.find((r) => r.runId === 'a-20261127-100000-0001')?.sweep, { name: 'lr', sets: ['optimizer.lr=0.1'] });
    assert.equal(found.find((r) => r.runId === 'b-20261127-100000-0002')?.sweep, undefined);
  });

  it('returns [] for a runs folder that does not exist (real file system)', async () => {
    assert.deepEqual(await discoverRuns(join(tmpdir(), 'vsml-no-such-folder-xyz'), ctx()), []);
  });

  it('never follows links and reads nothing large (Restricted Mode: /dev/zero, a 100 MB file)', { skip: !existsSync('/dev/zero') }, async () => {
    const runs = tmp();
    const zero = join(runs, 'zero');
    mkdirSync(zero);
    symlinkSync('/dev/zero', join(zero, 'status.json'));
    symlinkSync('/dev/zero', join(zero, 'config.json'));
    const big = join(runs, 'big');
    mkdirSync(big);
    for (const name of ['status.json', 'config.json']) {
      const fd = openSync(join(big, name), 'w');
      ftruncateSync(fd, 100 * 1024 * 1024); // sparse: 100 MB on paper, nothing on disk
      closeSync(fd);
    }
    mkdirSync(join(runs, 'real'));
    symlinkSync(join(runs, 'real'), join(runs, 'linked-run'));
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    const found = await discoverRuns(runs, ctx());
    const ms = performance.now() - t0;
    assert.deepEqual(found.map((r) => r.runId).sort(), ['big', 'real', 'zero'], 'a symlinked folder is not a run');
    assert.match(found.find((r) => r.runId === 'zero')?.problem ?? '', /symbolic link/);
    assert.match(found.find((r) => r.runId === 'big')?.problem ?? '', /104857600 bytes, more than/);
    assert.ok(ms < 5000, `took ${ms} ms`);
    assert.ok(process.memoryUsage().rss - rss < 50 * 1024 * 1024, 'nothing large was read into memory');
  });
});

describe('tailJsonl', () => {
  it('links and special files are reported, never read (/dev/zero)', { skip: !existsSync('/dev/zero') }, async () => {
    const d = tmp();
    symlinkSync('/dev/zero', join(d, 'metrics.jsonl'));
    const r = await tailJsonl(join(d, 'metrics.jsonl'), parseMetricsRow, 1024);
    assert.deepEqual(r.rows, []);
    assert.match(r.problems[0], /symbolic link/);
    assert.match((await tailJsonl('/dev/zero', parseMetricsRow, 1024)).problems[0], /not a regular file/);
  });

  it('tailJsonl reads only the last bytes of a 100 MB file, in bounded time and memory', async () => {
    const file = join(tmp(), 'metrics.jsonl');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 100 * 1024 * 1024); // 100 MB of NUL bytes (sparse), then real rows
    closeSync(fd);
    appendFileSync(file, `\n${row(7)}\n${row(8)}\n`);
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await tailJsonl(file, parseMetricsRow, 4096);
    assert.ok(performance.now() - t0 < 2000);
    assert.ok(process.memoryUsage().rss - rss < 20 * 1024 * 1024);
    assert.deepEqual(r.rows.map((x) => x.step), [7, 8]);
  });

});

describe('guards for commands that act on a run folder', () => {
  it('notARunFolder accepts only a real run folder directly inside a runs folder', async () => {
    const root = tmp();
    const runs = join(root, '.vsml', 'runs');
    mkdirSync(join(runs, 'good'), { recursive: true });
    writeFileSync(join(runs, 'good', 'status.json'), '{}');
    mkdirSync(join(runs, 'nostatus'));
    mkdirSync(join(runs, 'good', 'nested'));
    writeFileSync(join(runs, 'good', 'nested', 'status.json'), '{}');
    const elsewhere = join(root, 'home');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'status.json'), '{}');
    symlinkSync(elsewhere, join(runs, 'linked'));
    mkdirSync(join(runs, 'linkstatus'));
    symlinkSync(join(elsewhere, 'status.json'), join(runs, 'linkstatus', 'status.json'));
    assert.equal(await notARunFolder(join(runs, 'good'), [runs]), undefined);
    assert.match(await notARunFolder(join(runs, 'linked'), [runs]) ?? '', /symbolic link, not a run folder/);
    assert.match(await notARunFolder(join(runs, 'nostatus'), [runs]) ?? '', /no status\.json/);
    assert.match(await notARunFolder(join(runs, 'linkstatus'), [runs]) ?? '', /symbolic link/);
    assert.match(await notARunFolder(join(runs, 'good', 'nested'), [runs]) ?? '', /not directly inside a runs folder/);
    assert.match(await notARunFolder(elsewhere, [runs]) ?? '', /not directly inside/);
    assert.match(await notARunFolder(join(runs, '..', 'runs', '..'), [runs]) ?? '', /not directly inside/);
    assert.match(await notARunFolder(root, []) ?? '', /none configured/);
  });

  it('liveOwnerOf names a live lock holder and ignores a stale one', async () => {
    const dir = tmp();
    assert.equal(await liveOwnerOf(dir, here()), undefined);
    const lock = (heartbeatAt: string, pid = 7) => JSON.stringify({ host: 'box', pid, bootId: 'b1', startedAt: heartbeatAt, heartbeatAt });
    writeFileSync(join(dir, 'run.lock'), lock('2026-11-27T19:29:59.000Z'));
    assert.equal(await liveOwnerOf(dir, here()), 'process 7 on box (heartbeat 2026-11-27T19:29:59.000Z)');
    assert.equal(await liveOwnerOf(dir, here({ isAlive: () => false })), undefined);
    writeFileSync(join(dir, 'run.lock'), lock('2026-11-27T18:00:00.000Z'));
    assert.equal(await liveOwnerOf(dir, here()), undefined);
  });
});
