import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunStatus } from '../../../src/protocol/run-records';
import type { DiscoveredRun } from '../../../src/engine/runs/run-repository';
import { buildTree, formatElapsed, runNode, shortMetricName, startLabel } from '../../../src/extension/tree/tree-model';

const st = (over: Partial<RunStatus>): RunStatus => ({
  state: 'finished', runId: 'tiny-20261127-191500-a1b2', name: 'tiny', source: 'tiny.vsml.json', pid: 1, startedAt: '2026-11-27T19:15:00Z',
  updatedAt: '2026-11-27T19:16:00Z', step: 4, totalSteps: 4, elapsedSeconds: 81.2, ...over,
});
const run = (id: string, over: Partial<DiscoveredRun> = {}, s: Partial<RunStatus> = {}): DiscoveredRun => ({
  runId: id, dir: `/w/.vsml/runs/${id}`, status: st({ runId: id, ...s }), source: s.source ?? 'tiny.vsml.json', ...over,
});

describe('tree model', () => {
  it('formats elapsed time and metric names', () => {
    assert.equal(formatElapsed(5.4), '5s');
    assert.equal(formatElapsed(81.2), '1m 21s');
    assert.equal(formatElapsed(3725), '1h 02m');
    assert.equal(shortMetricName('eval/mnist/learned/meanAccuracy'), 'mnist acc');
    assert.equal(shortMetricName('metaLoss'), 'metaLoss');
    assert.equal(startLabel('tiny-20261127-191500-a1b2'), '2026-11-27 19:15:00 (a1b2)');
    assert.equal(startLabel('odd'), 'odd');
  });

  it('describes a run with state, meta-step, best metric and elapsed time', () => {
    const n = runNode(run('tiny-20261127-191500-a1b2', {}, { best: { metric: 'eval/mnist/learned/meanAccuracy', value: 0.4123, step: 100 } }), '/w/tiny.vsml.json');
    assert.equal(n.description, 'finished · step 4/4 · mnist acc 0.412 · 1m 21s');
    assert.equal(n.icon, 'pass');
    assert.equal(n.contextValue, 'vsml.run.finished');
    assert.equal(n.label, '2026-11-27 19:15:00 (a1b2)');
  });

  it('shows a vanished trainer as failed and resumable, with the reason in the tooltip', () => {
    const n = runNode(run('r', { vanished: 'trainer vanished: process 7 is gone' }, { state: 'running' }), undefined);
    assert.equal(n.state, 'failed');
    assert.equal(n.icon, 'error');
    assert.equal(n.contextValue, 'vsml.run.failed.resumable');
    assert.match(n.tooltip, /process 7 is gone/);
  });

  it('shows an unreadable run as unknown with its problem', () => {
    const n = runNode({ runId: 'x', dir: '/w/x', problem: 'status.json is not JSON' }, undefined);
    assert.equal(n.state, 'unknown');
    assert.match(n.tooltip, /not JSON/);
  });

  it('groups runs under their config (relative or absolute source) and keeps the rest in "Other runs"', () => {
    const tree = buildTree(['/w/tiny.vsml.json', '/w/sub/long.vsml.json'], [
      run('a', {}, { source: 'tiny.vsml.json' }),
      run('b', { source: '/w/sub/long.vsml.json' }, { source: '/w/sub/long.vsml.json', state: 'running' }),
      run('c', { source: '/elsewhere/x.vsml.json' }, { source: '/elsewhere/x.vsml.json' }),
    ], '/w');
    assert.deepEqual(tree.map((c) => [c.label, c.runs.map((r) => r.runId)]), [
      ['long.vsml.json', ['b']], ['tiny.vsml.json', ['a']], ['Other runs', ['c']],
    ]);
    assert.equal(tree[0].description, 'sub · 1 run · 1 running');
    assert.equal(tree[1].description, '1 run');
    assert.equal(tree[2].contextValue, 'vsml.orphans');
  });
});
