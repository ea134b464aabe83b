import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostToRunsTableMessage, parseRunsTableToHostMessage } from '../../src/protocol/runs-table';

const row = {
  runId: 'default-20261201-101500-a1b2', state: 'running', step: 3, totalSteps: 600, startedAt: '2026-12-01T10:15:00.000Z', config: 'examples/default.vsml.json',
  best: { metric: 'eval/mnist/learned/meanAccuracy', value: 0.41, step: 100 }, notes: 'n', tags: ['a'], params: { 'optimizer.lr': 0.01, 'model.layers': [{ type: 'dense' }] },
};

test('every host -> runs table message kind parses; a row is a vsml runs --json line without dir (extra keys dropped)', () => {
  const snap = parseHostToRunsTableMessage({ type: 'runs/snapshot', rows: [{ ...row, dir: '/abs/path' }], paramKeys: ['optimizer.lr', 'model.layers'] });
  assert.ok(snap.ok, snap.ok ? '' : snap.error);
  assert.ok(snap.message.type === 'runs/snapshot' && !('dir' in snap.message.rows[0]));
  assert.deepEqual(snap.ok && snap.message.type === 'runs/snapshot' && snap.message.rows[0], row);
  const bare = parseHostToRunsTableMessage({ type: 'runs/changed', rows: [{ runId: 'empty-1', state: 'unknown', problem: 'no status.json yet', notes: '', tags: [], params: {} }], paramKeys: [] });
  assert.ok(bare.ok, bare.ok ? '' : bare.error);
  assert.ok(parseHostToRunsTableMessage({ type: 'run/annotated', requestId: 3, runId: 'r-1', error: 'bad' }).ok);
  assert.ok(parseHostToRunsTableMessage({ type: 'panel/error', message: 'x' }).ok);
});

test('malformed host messages are refused naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'runs/snapshot', rows: [{ ...row, runId: '../x' }], paramKeys: [] }, /runs\/snapshot\.rows\[0\]\.runId: expected a run id/],
    [{ type: 'runs/snapshot', rows: [{ ...row, state: 'paused' }], paramKeys: [] }, /rows\[0\]\.state: expected one of/],
    [{ type: 'runs/snapshot', rows: [{ ...row, tags: ['a,b'] }], paramKeys: [] }, /rows\[0\]\.tags\[0\]: expected a tag without commas/],
    [{ type: 'runs/snapshot', rows: [{ ...row, params: { x: Number.NaN } }], paramKeys: [] }, /rows\[0\]\.params\.x: expected a finite number/],
    [{ type: 'runs/snapshot', rows: [row] }, /runs\/snapshot\.paramKeys: expected an array/],
    [{ type: 'runs/other' }, /runs table message\.type/],
  ];
  for (const [m, re] of cases) {
    const r = parseHostToRunsTableMessage(m);
    assert.ok(!r.ok && re.test(r.error), `${JSON.stringify(m).slice(0, 80)} -> ${r.ok ? 'ok' : r.error}`);
  }
});

test('panel -> host messages: compare, actions, annotate; bad ones refused', () => {
  assert.deepEqual(parseRunsTableToHostMessage({ type: 'runs/compare', runIds: ['a', 'b'] }), { ok: true, message: { type: 'runs/compare', runIds: ['a', 'b'] } });
  assert.deepEqual(parseRunsTableToHostMessage({ type: 'run/action', action: 'stop', runId: 'a' }), { ok: true, message: { type: 'run/action', action: 'stop', runId: 'a' } });
  assert.deepEqual(parseRunsTableToHostMessage({ type: 'run/annotate', requestId: 1, runId: 'a', notes: 'x', tags: [' t ', 't'] }),
    { ok: true, message: { type: 'run/annotate', requestId: 1, runId: 'a', notes: 'x', tags: ['t'] } });
  const cases: [unknown, RegExp][] = [
    [{ type: 'runs/compare', runIds: [] }, /runs\/compare\.runIds: expected at least one run id/],
    [{ type: 'runs/compare', runIds: ['ok', '/etc'] }, /runs\/compare\.runIds\[1\]: expected a run id/],
    [{ type: 'runs/compare', runIds: Array.from({ length: 17 }, (_, i) => `r${i}`) }, /at most 16 entries/],
    [{ type: 'run/action', action: 'rm -rf', runId: 'a' }, /run\/action\.action: expected one of "open", "resume", "evaluate", "delete", "stop"/],
    [{ type: 'run/annotate', requestId: 1, runId: 'a', tags: [] }, /run\/annotate\.notes: expected a string/],
    [{ type: 'run/annotate', requestId: 1, runId: 'a', notes: 'x'.repeat(4001), tags: [] }, /notes: expected at most 4000 characters/],
  ];
  for (const [m, re] of cases) {
    const r = parseRunsTableToHostMessage(m);
    assert.ok(!r.ok && re.test(r.error), `${JSON.stringify(m).slice(0, 80)} -> ${r.ok ? 'ok' : r.error}`);
  }
});
