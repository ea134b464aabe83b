import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { Rng } from '../../../src/engine/random';
import { TfjsWorkerPool } from '../../../src/engine/tfjs/tfjs-worker-pool';
import { randomConfig, randomRollout } from '../kernel/kernel-test-helpers';

test('tfjs worker pool: results in input order, and fails fast once a worker has died (as the kernel pool does)', async () => {
  const pool = await TfjsWorkerPool.create(2, 'cpu');
  try {
    assert.equal(pool.size, 2);
    const rng = new Rng(8);
    const cfg = randomConfig(rng, { batchSize: 1 });
    const rollouts = Array.from({ length: 3 }, () => randomRollout(cfg, rng, 3));
    const results = await pool.run(cfg, rollouts, false);
    assert.equal(results.length, 3);
    for (const r of results) assert.ok(r.logits.every(Number.isFinite));
    // Kill one worker from outside: the next run must reject, not hang.
    const slots = (pool as unknown as { pool: { slots: { worker: Worker }[] } }).pool.slots;
    await slots[1].worker.terminate();
    await assert.rejects(pool.run(cfg, rollouts, false), /tfjs worker thread died earlier/);
  } finally {
    await pool.close();
  }
});
