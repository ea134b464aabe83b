import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { prepareJob } from '../../../src/engine/kernel/fused-episode';
import { KernelWorkerPool } from '../../../src/engine/kernel/worker-pool';
import { Rng } from '../../../src/engine/random';
import { randomConfig, randomRollout } from './kernel-test-helpers';

test('worker pool: splits jobs across workers, returns them in order, and fails fast once a worker has died', async () => {
  const pool = await KernelWorkerPool.create(2, 'wasm');
  try {
    assert.equal(pool.size, 2);
    // Worker threads get relaxed SIMD too (the V8 flag is process-wide on Node 20).
    assert.equal(pool.variant, 'relaxed-simd');
    const rng = new Rng(5);
    const cfg = randomConfig(rng, { batchSize: 1 });
    const rollouts = Array.from({ length: 3 }, () => randomRollout(cfg, rng, 4));
    const outs = await pool.run(cfg, rollouts.map((r) => prepareJob(cfg, r)), true);
    assert.equal(outs.length, 3);
    for (const o of outs) assert.ok(o.state && o.logits.every(Number.isFinite));
    // Kill one worker from outside: the next run must reject, not hang.
    const slots = (pool as unknown as { pool: { slots: { worker: Worker }[] } }).pool.slots;
    await slots[1].worker.terminate();
    await assert.rejects(pool.run(cfg, rollouts.map((r) => prepareJob(cfg, r)), false), /worker thread died/);
  } finally {
    await pool.close();
  }
});
