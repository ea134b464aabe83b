import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../../../src/engine/errors';
import { PoolReply, WorkerPool } from '../../../src/engine/runner/worker-pool';

type Request = { type: 'run'; id: number; x: number };
type Reply = Exclude<PoolReply, { type: 'done' } | { type: 'ready' }> | { type: 'ready'; name: string } | { type: 'done'; id: number; y: number };

/** A tiny worker: doubles x; x < 0 is an EngineError; x === 13 exits the thread mid-request. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.failAtStart) parentPort.postMessage({ type: 'failed', error: { message: 'no kernel here', path: 'engine.path', fix: 'pick another' } });
else parentPort.postMessage({ type: 'ready', name: 'w' + workerData.index });
parentPort.on('message', (m) => {
  if (m.x === 13) process.exit(3);
  if (m.x < 0) parentPort.postMessage({ type: 'error', id: m.id, error: { message: 'negative', path: 'x', fix: 'use x >= 0' } });
  else parentPort.postMessage({ type: 'done', id: m.id, y: 2 * m.x });
});`;
const spawn = (failAtStart = false) => (index: number): Worker => new Worker(WORKER, { eval: true, workerData: { index, failAtStart } });

test('generic pool: ready replies in order, answers by id, worker errors as EngineErrors', async () => {
  const pool = await WorkerPool.create<Request, Reply>(2, 'test worker', spawn());
  try {
    assert.deepEqual(pool.ready.map((r) => r.name), ['w0', 'w1']);
    const [a, b] = await Promise.all([pool.run(0, { type: 'run', x: 2 }), pool.run(1, { type: 'run', x: 5 })]);
    assert.deepEqual([a.y, b.y], [4, 10]);
    await assert.rejects(pool.run(1, { type: 'run', x: -1 }), (e: unknown) => e instanceof EngineError && e.path === 'x');
    await assert.rejects(pool.run(7, { type: 'run', x: 1 }), /no worker 7/);
    assert.equal((await pool.run(1, { type: 'run', x: 1 })).y, 2, 'an error reply does not break the worker');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.run(0, { type: 'run', x: 1 }), /run after close/);
});

test('generic pool fails fast: a worker that dies rejects its pending request and every later run', async () => {
  const pool = await WorkerPool.create<Request, Reply>(2, 'test worker', spawn());
  try {
    await assert.rejects(pool.run(1, { type: 'run', x: 13 }), /test worker exited with code 3/);
    await assert.rejects(pool.run(0, { type: 'run', x: 1 }), /a test worker thread died earlier \(test worker exited with code 3\)/);
  } finally {
    await pool.close();
  }
});

test('generic pool: a worker that fails at start fails create, with its error', async () => {
  await assert.rejects(WorkerPool.create<Request, Reply>(2, 'test worker', spawn(true)), (e: unknown) => e instanceof EngineError && e.path === 'engine.path');
  await assert.rejects(WorkerPool.create<Request, Reply>(2, 'test worker', (i) => {
    if (i === 1) throw new Error('spawn refused');
    return spawn()(i);
  }), /spawn refused/);
});
