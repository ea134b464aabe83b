import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStatus } from '../../../src/protocol/run-records';
import { markRunFailed } from '../../../src/extension/runs/mark-failed';

const NOW = new Date('2026-11-27T19:30:00Z');
const status = (over: Partial<RunStatus> = {}): RunStatus => ({
  state: 'running', runId: 'r', name: 'default', source: 'examples/default.vsml.json', pid: 1234,
  startedAt: '2026-11-27T19:15:00.000Z', updatedAt: '2026-11-27T19:29:50.000Z', step: 120, totalSteps: 600, elapsedSeconds: 81.2, ...over,
});
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-mark-'));

describe('markRunFailed', () => {
  it('rewrites a running status.json as failed, keeping unknown fields and the metrics file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'status.json'), JSON.stringify({ ...status(), futureField: 1 }));
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1}\n');
    await markRunFailed(dir, 'the trainer was killed by SIGKILL', { trusted: true, now: NOW });
    const s = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
    assert.equal(s.state, 'failed');
    assert.equal(s.error, 'the trainer was killed by SIGKILL');
    assert.equal(s.futureField, 1);
    assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8'), '{"step":1}\n');
    // A run that is not running keeps its own words.
    writeFileSync(join(dir, 'status.json'), JSON.stringify(status({ state: 'failed', error: 'out of memory' })));
    assert.equal(await markRunFailed(dir, 'other', { trusted: true, now: NOW }), undefined);
    assert.equal(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).error, 'out of memory');
  });

  it('writes nothing in Restricted Mode', async () => {
    const dir = tmp();
    const text = JSON.stringify(status());
    writeFileSync(join(dir, 'status.json'), text);
    assert.equal(await markRunFailed(dir, 'vanished', { trusted: false, now: NOW }), undefined);
    assert.equal(readFileSync(join(dir, 'status.json'), 'utf8'), text);
  });

  it('never writes through a link planted in the run folder', async () => {
    const dir = tmp();
    const outside = join(tmp(), 'victim.json');
    writeFileSync(outside, JSON.stringify(status()));
    symlinkSync(outside, join(dir, 'status.json'));
    assert.equal(await markRunFailed(dir, 'vanished', { trusted: true, now: NOW }), undefined, 'a linked status is not even read');
    assert.equal(JSON.parse(readFileSync(outside, 'utf8')).state, 'running');
    // A real status but a planted link elsewhere: the folder is refused as a whole.
    const dir2 = tmp();
    writeFileSync(join(dir2, 'status.json'), JSON.stringify(status()));
    symlinkSync(outside, join(dir2, 'snapshot.json'));
    await assert.rejects(markRunFailed(dir2, 'vanished', { trusted: true, now: NOW }), /snapshot\.json: is a symbolic link/);
    assert.equal(JSON.parse(readFileSync(join(dir2, 'status.json'), 'utf8')).state, 'running');
  });
});
