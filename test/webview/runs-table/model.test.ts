import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allTags, cellText, restoreView, sortRows, visibleRows } from '../../../webview/runs-table/model';
import type { RunRow } from '../../../src/protocol/runs-table';

const row = (runId: string, o: Partial<RunRow> = {}): RunRow => ({ runId, state: 'finished', notes: '', tags: [], params: {}, ...o });

test('sortRows: numbers as numbers, mixed kinds numbers first, empty cells last in both directions, ties in listing order', () => {
  const rows = [
    row('a', { params: { lr: 'auto' } }), row('b', { params: { lr: 0.1 } }), row('c'), row('d', { params: { lr: 0.02 } }), row('e', { params: { lr: 0.1 } }),
  ];
  assert.deepEqual(sortRows(rows, 'param:lr', 'asc').map((r) => r.runId), ['d', 'b', 'e', 'a', 'c']);
  assert.deepEqual(sortRows(rows, 'param:lr', 'desc').map((r) => r.runId), ['a', 'b', 'e', 'd', 'c']);
  const steps = [row('x', { step: 10 }), row('y', { step: 9 }), row('z', { step: 100 })];
  assert.deepEqual(sortRows(steps, 'step', 'asc').map((r) => r.runId), ['y', 'x', 'z']);
  // Run ids with numbers sort naturally (run-2 before run-10).
  assert.deepEqual(sortRows([row('run-10'), row('run-2')], 'run', 'asc').map((r) => r.runId), ['run-2', 'run-10']);
});

test('cell texts: best with its dataset and step, array parameters as JSON, missing values empty', () => {
  const r = row('a', { best: { metric: 'eval/fashion_mnist/learned/meanAccuracy', value: 0.4567, step: 300 }, params: { layers: [1, 2], name: 'x' }, tags: ['t1', 't2'] });
  assert.equal(cellText(r, 'best'), '45.7% fashion_mnist @300');
  assert.equal(cellText(r, 'param:layers'), '[1,2]');
  assert.equal(cellText(r, 'param:name'), 'x');
  assert.equal(cellText(r, 'param:missing'), '');
  assert.equal(cellText(r, 'tags'), 't1, t2');
  assert.equal(cellText(r, 'step'), '');
});

test('visibleRows filters by every word, state and tag; allTags lists each tag once', () => {
  const rows = [row('a', { tags: ['x'], notes: 'Good run' }), row('b', { state: 'failed', tags: ['x', 'y'] }), row('c', { params: { lr: 0.5 } })];
  const view = { ...restoreView(undefined), sort: { key: 'run' as const, dir: 'asc' as const } };
  assert.deepEqual(visibleRows(rows, ['lr'], { ...view, filter: 'good' }).map((r) => r.runId), ['a']);
  assert.deepEqual(visibleRows(rows, ['lr'], { ...view, filter: '0.5' }).map((r) => r.runId), ['c']);
  assert.deepEqual(visibleRows(rows, ['lr'], { ...view, tag: 'x', state: 'failed' }).map((r) => r.runId), ['b']);
  assert.deepEqual(allTags(rows), ['x', 'y']);
});

test('restoreView keeps what is valid of a saved view and defaults the rest', () => {
  assert.deepEqual(restoreView({ sort: { key: 'param:optimizer.lr', dir: 'asc' }, filter: 3, state: 'bogus', tag: 'x', selected: ['a', 2] }),
    { sort: { key: 'param:optimizer.lr', dir: 'asc' }, filter: '', state: 'all', tag: 'x', selected: ['a'] });
  assert.deepEqual(restoreView({ sort: { key: 'nope' } }).sort, { key: 'started', dir: 'desc' });
});
