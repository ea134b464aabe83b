import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../../../src/engine/errors';
import { GradientWorkerPool } from '../../../src/engine/kernel/gradient-worker-pool';
import { loadGradientKernel, nativeEpisodeGradient } from '../../../src/engine/kernel/native-gradient';
import { randomConfig, randomRollout } from './kernel-test-helpers';
import { Rng } from '../../../src/engine/random';

const { kernel, reason } = loadGradientKernel();
const skip = kernel ? false : `native kernel reverse pass not available: ${reason}`;

test('gradient worker pool: a worker\'s episode gradient is bit-identical to this thread\'s; errors keep path, message and fix; a dead worker fails fast', { skip }, async () => {
  const pool = await GradientWorkerPool.create(2);
  try {
    assert.equal(pool.size, 2);
    const rng = new Rng(11);
    const cfg = randomConfig(rng, { batchSize: 2, layerNorm: false });
    for (const truncation of [0, 2]) {
      const rollouts = Array.from({ length: 3 }, () => randomRollout(cfg, rng, 5));
      const here = rollouts.map((r) => nativeEpisodeGradient(kernel!, cfg, r.theta, r.episode, r.initialState, 'mean', truncation));
      const there = await Promise.all(rollouts.map((r, i) => pool.gradient(i % 2, cfg, r.theta, r.episode, r.initialState, 'mean', truncation)));
      for (let i = 0; i < rollouts.length; i++) {
        assert.deepEqual(Array.from(there[i].grad), Array.from(here[i].grad), `rollout ${i}, truncation ${truncation}`);
        assert.equal(there[i].loss, here[i].loss);
        assert.deepEqual(there[i].ce, here[i].ce);
        assert.deepEqual(there[i].correct, here[i].correct);
        assert.equal(there[i].peakTapeBytes, here[i].peakTapeBytes);
      }
      // the caller's arrays are copied, not moved to the worker
      assert.ok(rollouts[0].theta.length > 0 && rollouts[0].episode.inputs.length > 0);
    }
    const r = randomRollout(cfg, rng, 4);
    let inThread: EngineError | undefined;
    try {
      nativeEpisodeGradient(kernel!, cfg, r.theta, r.episode, r.initialState, 'mean', -1);
    } catch (e) {
      inThread = e as EngineError;
    }
    await assert.rejects(pool.gradient(1, cfg, r.theta, r.episode, r.initialState, 'mean', -1),
      (e: unknown) => e instanceof EngineError && e.path === 'optimizer.truncation' && e.message === inThread!.message && e.fix === inThread!.fix);
    // Kill one worker from outside: the next request must reject, not hang.
    const slots = (pool as unknown as { pool: { slots: { worker: Worker }[] } }).pool.slots;
    await slots[0].worker.terminate();
    await assert.rejects(pool.gradient(1, cfg, r.theta, r.episode, r.initialState, 'mean', 0), /reverse pass worker thread died/);
  } finally {
    await pool.close();
  }
});
