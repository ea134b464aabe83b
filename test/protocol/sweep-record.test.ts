import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweepRecord, parseSweepTag } from '../../src/protocol/sweep-record';

const record = {
  format: 'vsml-sweep', version: 1, name: 'lr-pop', config: '/w/tiny.vsml.json', configHash: 'ab12',
  grid: [{ key: 'optimizer.lr', values: ['0.05', '0.1'] }],
  createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:05:00.000Z',
  combinations: [
    { sets: ['optimizer.lr=0.05'], state: 'finished', runId: 'tiny-20261201-100000-beef' },
    { sets: ['optimizer.lr=0.1'], state: 'failed', runId: 'tiny-20261201-100100-cafe', error: 'diverged' },
  ],
};

test('a sweep file parses to its documented fields (unknown keys dropped)', () => {
  const r = parseSweepRecord({ ...record, extra: 1, combinations: [{ ...record.combinations[0], junk: true }, record.combinations[1]] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.message, record);
});

test('malformed sweep files and tags name the failing field', () => {
  const bad = (v: unknown, re: RegExp): void => {
    const r = parseSweepRecord(v);
    assert.ok(!r.ok && re.test(r.error), r.ok ? 'parsed' : r.error);
  };
  bad(null, /^sweep: expected an object/);
  bad({ ...record, format: 'other' }, /sweep\.format: expected "vsml-sweep"/);
  bad({ ...record, name: 'a/b' }, /sweep\.name: expected a name/);
  bad({ ...record, grid: [{ key: 'x', values: [1] }] }, /sweep\.grid\[0\]\.values\[0\]: expected a string/);
  bad({ ...record, combinations: [{ sets: [], state: 'paused' }] }, /sweep\.combinations\[0\]\.state: expected one of/);
  assert.deepEqual(parseSweepTag({ name: 'lr', sets: ['optimizer.lr=0.1'] }), { ok: true, message: { name: 'lr', sets: ['optimizer.lr=0.1'] } });
  assert.equal(parseSweepTag({ name: 'lr' }).ok, false);
});
