import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_PROTOCOL_VERSION, parseClusterConfigRecord, parseEsPairsJob, parseEsPairsResult, type EsPairsJob } from '../../src/protocol/cluster';
import { decodeTheta, encodeTheta } from '../../src/engine/cluster/theta-codec';

const theta = Float64Array.of(0.5, -1.25, 3e-9, Math.PI);
const job: EsPairsJob = {
  v: CLUSTER_PROTOCOL_VERSION, type: 'es/pairs', runId: 'default-20261201-120000-a1b2', configKey: 'ab'.repeat(32),
  step: 7, k0: 4, k1: 8, T: 50, theta: encodeTheta(theta),
};
const result = {
  v: CLUSTER_PROTOCOL_VERSION, type: 'es/pairs-result', k0: 4, k1: 6, lossPos: [2.3, 2.1], lossNeg: [2.2, null],
  correct: [3, 0], count: [100, 100], worker: 'node-3:4411', runner: 'fused-native', seconds: 1.5,
};

test('θ travels exactly: base64 of its float64 bytes', () => {
  assert.deepEqual(decodeTheta(encodeTheta(theta)), theta);
  const view = new Float64Array(new Float64Array([9, ...theta]).buffer, 8, 4); // an offset view encodes only its own values
  assert.deepEqual(decodeTheta(encodeTheta(view)), theta);
});

test('an es/pairs job parses; a job of another protocol version is refused naming the version', () => {
  assert.deepEqual(parseEsPairsJob(job), { ok: true, message: job });
  const other = parseEsPairsJob({ ...job, v: 2 });
  assert.equal(other.ok, false);
  assert.match(!other.ok ? other.error : '', /^es\/pairs\.v: expected protocol version 1 .*same vsml version.*got 2$/);
  assert.equal(parseEsPairsJob({ ...job, v: undefined }).ok, false);
});

test('malformed jobs name the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...job, type: 'es/other' }, /^es\/pairs\.type: expected "es\/pairs"/],
    [{ ...job, configKey: 'xyz' }, /^es\/pairs\.configKey: expected a sha256/],
    [{ ...job, theta: 'not base64!' }, /^es\/pairs\.theta: expected base64/],
    [{ ...job, theta: Buffer.alloc(12).toString('base64') }, /^es\/pairs\.theta: expected a whole number of float64 values, got "12 bytes"/],
    [{ ...job, k1: 4 }, /^es\/pairs\.k1: expected an integer in \(k0, /],
    [{ ...job, k0: -1 }, /^es\/pairs\.k0: expected an integer >= 0/],
    [{ ...job, step: 0 }, /^es\/pairs\.step: expected an integer >= 1/],
    [{ ...job, T: 2.5 }, /^es\/pairs\.T: expected an integer >= 1/],
    [{ ...job, runId: '' }, /^es\/pairs\.runId: expected a non-empty string/],
    [{ ...job, runId: 'r'.repeat(201) }, /^es\/pairs\.runId: expected at most 200 characters/],
  ];
  for (const [value, re] of cases) {
    const r = parseEsPairsJob(value);
    assert.equal(r.ok, false, JSON.stringify(value).slice(0, 80));
    assert.match(!r.ok ? r.error : '', re);
  }
  assert.equal(parseEsPairsJob(null).ok, false);
  assert.equal(parseEsPairsJob('job').ok, false);
});

test('an es/pairs-result parses (a null loss, from a diverged θ, reads as NaN); wrong lengths and counts are refused', () => {
  const r = parseEsPairsResult(result);
  assert.ok(r.ok);
  assert.deepEqual(r.message.lossPos, [2.3, 2.1]);
  assert.ok(Number.isNaN(r.message.lossNeg[1]));
  assert.equal(r.message.worker, 'node-3:4411');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...result, v: 0 }, /^es\/pairs-result\.v: expected protocol version 1/],
    [{ ...result, lossPos: [2.3] }, /^es\/pairs-result\.lossPos: expected 2 values \(one per pair\), got "1 values"/],
    [{ ...result, lossNeg: [2.2, 'x'] }, /^es\/pairs-result\.lossNeg\[1\]: expected a finite number or null/],
    [{ ...result, correct: [3, -1] }, /^es\/pairs-result\.correct\[1\]: expected an integer >= 0/],
    [{ ...result, count: [100] }, /^es\/pairs-result\.count: expected 2 values/],
    [{ ...result, seconds: -1 }, /^es\/pairs-result\.seconds: expected a number >= 0/],
    [{ ...result, worker: 7 }, /^es\/pairs-result\.worker: expected a string/],
  ];
  for (const [value, re] of cases) {
    const p = parseEsPairsResult(value);
    assert.equal(p.ok, false);
    assert.match(!p.ok ? p.error : '', re);
  }
});

test('the published config record carries its protocol version and an object', () => {
  assert.ok(parseClusterConfigRecord({ v: 1, config: { name: 'x' } }).ok);
  const r = parseClusterConfigRecord({ v: 1, config: 'x' });
  assert.match(!r.ok ? r.error : '', /^config record\.config: expected an object/);
  assert.equal(parseClusterConfigRecord({ v: 3, config: {} }).ok, false);
});
