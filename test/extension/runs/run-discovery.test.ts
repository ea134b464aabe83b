import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStatus } from '../../../src/protocol/run-records';
import { type LivenessProbe, type RunFs, discoverRuns, failedStatus, processIsAlive, vanishedReason } from '../../../src/extension/runs/run-discovery';
import { markRunFailed } from '../../../src/extension/runs/mark-failed';

const NOW = new Date('2026-11-27T19:30:00Z');
const status = (over: Partial<RunStatus> = {}): RunStatus => ({
  state: 'running', runId: 'default-20261127-191500-a1b2', name: 'default', source: 'examples/default.vsml.json', pid: 1234,
  startedAt: '2026-11-27T19:15:00.000Z', updatedAt: '2026-11-27T19:29:50.000Z', step: 120, totalSteps: 600, elapsedSeconds: 81.2,
  runner: { path: 'fused-native', backend: 'native-avx2', threads: 2 }, ...over,
});
const probe = (over: Partial<LivenessProbe> = {}): LivenessProbe => ({
  isAlive: () => true, now: () => NOW, ownedRunIds: new Set(), staleAfterMs: 15 * 60_000, ...over,
});

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

describe('vanishedReason', () => {
  it('believes a running status whose process is alive and fresh', () => {
    assert.equal(vanishedReason(status(), probe()), undefined);
  });
  it('says vanished when the pid is gone', () => {
    assert.match(vanishedReason(status(), probe({ isAlive: () => false })) ?? '', /trainer vanished: process 1234 is gone/);
  });
  it('says vanished when updatedAt is stale even if the pid exists (pid reuse)', () => {
    const r = vanishedReason(status({ updatedAt: '2026-11-27T19:00:00.000Z' }), probe());
    assert.match(r ?? '', /no progress for 1800 s/);
  });
  it('never calls a run this window trains vanished, nor a finished one', () => {
    assert.equal(vanishedReason(status(), probe({ isAlive: () => false, ownedRunIds: new Set([status().runId]) })), undefined);
    assert.equal(vanishedReason(status({ state: 'finished' }), probe({ isAlive: () => false })), undefined);
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
    const found = await discoverRuns(runs, probe({ isAlive: (pid) => pid !== 99 }), fs);
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

  it('returns [] for a runs folder that does not exist (real file system)', async () => {
    assert.deepEqual(await discoverRuns(join(tmpdir(), 'vsml-no-such-folder-xyz'), probe()), []);
  });
});

describe('markRunFailed', () => {
  it('rewrites a running status.json as failed, keeping unknown fields and the metrics file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-mark-'));
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'status.json'), JSON.stringify({ ...status(), futureField: 1 }));
      writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1}\n');
      await markRunFailed(dir, 'the trainer was killed by SIGKILL', NOW);
      const s = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
      assert.equal(s.state, 'failed');
      assert.equal(s.error, 'the trainer was killed by SIGKILL');
      assert.equal(s.futureField, 1);
      assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), '{"step":1}\n');
      // A run that is not running keeps its own words.
      writeFileSync(join(dir, 'status.json'), JSON.stringify(status({ state: 'failed', error: 'out of memory' })));
      assert.equal(await markRunFailed(dir, 'other', NOW), undefined);
      assert.equal(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).error, 'out of memory');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('processIsAlive', () => {
  it('knows this process and rejects impossible pids', () => {
    assert.equal(processIsAlive(process.pid), true);
    assert.equal(processIsAlive(0), false);
    assert.equal(processIsAlive(-5), false);
  });
});
