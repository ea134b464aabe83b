import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clusterStatusView, probeFailureReason } from '../../../src/extension/cluster/status-bar-view';
import type { ClusterStatus } from '../../../src/protocol/cluster-status';

const status = (over: Partial<ClusterStatus> = {}): ClusterStatus => ({
  type: 'cluster/status', url: 'redis://:***@10.0.0.1:6379', queue: 'vsml-es',
  workers: [{ name: 'a:1', addr: '10.0.0.2:5000', idleSeconds: 0 }, { name: 'b:2', addr: '10.0.0.3:5000', idleSeconds: 12 }],
  counts: { waiting: 3, active: 2, delayed: 1, failed: 4, completed: 50 },
  recentJobs: 50,
  speeds: [{ worker: 'a:1', jobs: 30, pairs: 480, seconds: 12, pairsPerSecond: 40 }, { worker: 'gone:9', jobs: 20, pairs: 100, seconds: 10, pairsPerSecond: 10 }],
  ...over,
});

describe('cluster status-bar view', () => {
  it('counts workers and the jobs not yet taken (waiting + delayed)', () => {
    const v = clusterStatusView({ ok: true, status: status() });
    assert.equal(v.text, '$(server-environment) VS-ML cluster: 2 workers · 4 queued');
    assert.equal(v.warning, false);
  });

  it('lists each worker present with its recent speed in the tooltip, and the queue depth', () => {
    const v = clusterStatusView({ ok: true, status: status() });
    assert.equal(v.tooltip, [
      'VS-ML cluster redis://:***@10.0.0.1:6379 (queue vsml-es)',
      'jobs: 3 waiting, 2 active, 1 delayed, 4 failed, 50 completed',
      'a:1: 40.0 pairs/s (30 recent jobs), idle 0 s',
      'b:2: no recent jobs, idle 12 s',
      '',
      'Click: VS-ML: Train on Cluster',
    ].join('\n'));
  });

  it('says 1 worker, and warns when jobs wait with no worker to take them', () => {
    const one = clusterStatusView({ ok: true, status: status({ workers: [{ name: 'a:1', addr: '', idleSeconds: 1 }] }) });
    assert.match(one.text, /: 1 worker · 4 queued$/);
    const none = clusterStatusView({ ok: true, status: status({ workers: [] }) });
    assert.match(none.text, /: 0 workers · 4 queued$/);
    assert.equal(none.warning, true);
    assert.match(none.tooltip, /no workers: start `vsml worker --cluster URL`/);
    const idle = clusterStatusView({ ok: true, status: status({ workers: [], counts: { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 } }) });
    assert.equal(idle.warning, false);
  });

  it('an unreachable cluster: short text, the reason in the tooltip', () => {
    const v = clusterStatusView({ ok: false, reason: '--cluster: cannot reach Redis at redis://10.0.0.1:6379 (connect ECONNREFUSED 10.0.0.1:6379)' });
    assert.equal(v.text, '$(server-environment) VS-ML cluster unreachable');
    assert.equal(v.warning, true);
    assert.equal(v.tooltip, 'VS-ML cluster unreachable: --cluster: cannot reach Redis at redis://10.0.0.1:6379 (connect ECONNREFUSED 10.0.0.1:6379)\n\nClick: VS-ML: Train on Cluster');
  });

  it('takes the reason from the CLI\'s error line, else from how the probe ended', () => {
    const stderr = 'warn: something\nerror: VSML_CLUSTER: cannot reach Redis at redis://h:1 (getaddrinfo ENOTFOUND h)\n  fix: start redis-server there\n';
    assert.equal(probeFailureReason(stderr, 'exit code 1'), 'VSML_CLUSTER: cannot reach Redis at redis://h:1 (getaddrinfo ENOTFOUND h)');
    assert.equal(probeFailureReason('', 'no answer within 20 s'), 'no answer within 20 s');
  });
});
