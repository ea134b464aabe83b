import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextAction, runsOfCombination } from '../../../src/engine/sweep/next-action';
import type { DiscoveredRun } from '../../../src/engine/runs/run-repository';
import type { RunStatus } from '../../../src/protocol/run-records';

const sets = ['optimizer.lr=0.1'];
function run(id: string, state: RunStatus['state'] | undefined, extra: Partial<DiscoveredRun> & { error?: string } = {}): DiscoveredRun {
  const { error, ...rest } = extra;
  const status: RunStatus | undefined = state === undefined ? undefined : {
    state, runId: id, name: 'x', source: 'x.json', pid: 1, startedAt: '', updatedAt: '', step: 1, totalSteps: 3, elapsedSeconds: 1, ...(error ? { error } : {}),
  };
  return { runId: id, dir: `/runs/${id}`, ...(status ? { status } : { problem: 'no status.json yet' }), sweep: { name: 's', sets }, ...rest };
}
const withCkpt = (): boolean => true;
const noCkpt = (): boolean => false;

test('runsOfCombination keeps the runs of this sweep with the same overrides', () => {
  const mine = run('a', 'finished');
  const other = { ...run('b', 'finished'), sweep: { name: 's', sets: ['optimizer.lr=0.2'] } };
  const otherSweep = { ...run('c', 'finished'), sweep: { name: 't', sets } };
  const untagged: DiscoveredRun = { runId: 'd', dir: '/runs/d' };
  assert.deepEqual(runsOfCombination('s', { sets, state: 'pending' }, [mine, other, otherSweep, untagged]).map((r) => r.runId), ['a']);
});

test('nextAction: no run starts one; a finished run (anywhere in the list) is skipped', () => {
  assert.deepEqual(nextAction([], withCkpt), { kind: 'start' });
  assert.deepEqual(nextAction([run('new', undefined)], withCkpt), { kind: 'start' }, 'a folder without a status is no run to continue');
  const done = run('old', 'finished');
  assert.deepEqual(nextAction([run('new', 'failed', { error: 'diverged' }), done], withCkpt), { kind: 'skip', run: done });
});

test('nextAction: stopped and killed runs resume when they have a checkpoint, else a new run starts', () => {
  const stopped = run('a', 'stopped');
  assert.deepEqual(nextAction([stopped], withCkpt), { kind: 'resume', run: stopped });
  const killed = run('b', 'running', { vanished: 'trainer vanished: process 9 is gone' });
  assert.deepEqual(nextAction([killed], withCkpt), { kind: 'resume', run: killed });
  const marked = run('c', 'failed', { error: 'trainer vanished: process 9 is gone' });
  assert.deepEqual(nextAction([marked], withCkpt), { kind: 'resume', run: marked });
  assert.deepEqual(nextAction([stopped], noCkpt), { kind: 'start' });
});

test('nextAction: a live run is left to its trainer; a run that failed on its own is left as it is', () => {
  const live = run('a', 'running');
  assert.deepEqual(nextAction([live], withCkpt), { kind: 'busy', run: live });
  const failed = run('b', 'failed', { error: 'meta-training diverged at step 3' });
  assert.deepEqual(nextAction([failed], withCkpt), { kind: 'failed', run: failed, error: 'meta-training diverged at step 3' });
});
