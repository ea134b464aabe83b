import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { RELAXED_SIMD_FLAG, probeRelaxedSimd, relaxedSimdSupport } from '../../../src/engine/kernel/relaxed-simd';

test('probeRelaxedSimd: supported at once needs no flag', () => {
  const flags: string[] = [];
  assert.deepEqual(probeRelaxedSimd(() => true, (f) => flags.push(f)), { ok: true });
  assert.deepEqual(flags, []);
});

test('probeRelaxedSimd: sets the V8 flag when the first probe fails, and reports that it did', () => {
  let on = false;
  const flags: string[] = [];
  const r = probeRelaxedSimd(() => on, (f) => {
    flags.push(f);
    on = true;
  });
  assert.deepEqual(r, { ok: true, viaFlag: true });
  assert.deepEqual(flags, [RELAXED_SIMD_FLAG]);
});

test('probeRelaxedSimd: a runtime without it (or refusing flags) gets a reason, not an exception', () => {
  const r = probeRelaxedSimd(() => false, () => {
    throw new Error('flags are frozen');
  });
  assert.equal(r.ok, false);
  assert.match(r.reason!, /no relaxed SIMD/);
});

test('relaxedSimdSupport: this Node has relaxed SIMD (with the flag on Node 20), and worker threads started afterwards see it', async () => {
  assert.equal(relaxedSimdSupport().ok, true);
  // The probe module's bytes, validated inside a fresh worker thread.
  const src = `const { parentPort } = require('node:worker_threads');
    parentPort.postMessage(WebAssembly.validate(new Uint8Array([0,97,115,109,1,0,0,0,1,8,1,96,3,123,123,123,1,123,3,2,1,0,10,13,1,11,0,32,0,32,1,32,2,253,133,2,11])));`;
  const w = new Worker(src, { eval: true });
  const seen = await new Promise((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  await w.terminate();
  assert.equal(seen, true);
});
