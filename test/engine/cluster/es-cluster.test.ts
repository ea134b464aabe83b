import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { EngineError } from '../../../src/engine/errors';
import { EsCoordinator, splitPairs } from '../../../src/engine/cluster/es-coordinator';
import { EsWorker } from '../../../src/engine/cluster/es-worker';
import { checkClusterUrl, redactUrl } from '../../../src/engine/cluster/redis-connection';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { ES_QUEUE } from '../../../src/protocol/cluster';
import { freePort, TestRedis } from '../../helpers/redis-server';

const servers: TestRedis[] = [];
after(async () => {
  for (const r of servers) await r.stop();
});

test('splitPairs: contiguous ranges covering [k0, k1), sizes differing by at most one, never empty', () => {
  assert.deepEqual(splitPairs(0, 10, 4), [[0, 3], [3, 6], [6, 8], [8, 10]]);
  assert.deepEqual(splitPairs(5, 7, 8), [[5, 6], [6, 7]]);
  assert.deepEqual(splitPairs(0, 3, 1), [[0, 3]]);
});

test('cluster URLs: redis:// and rediss:// pass (password kept, hidden in logs); other schemes are refused naming the flag', () => {
  assert.equal(checkClusterUrl('rediss://:s3cret@db.example:6380/2', '--cluster'), 'rediss://:s3cret@db.example:6380/2');
  assert.equal(redactUrl('rediss://:s3cret@db.example:6380/2'), 'rediss://:***@db.example:6380/2');
  assert.throws(() => checkClusterUrl('http://db:6379', 'engine.cluster'), (e: EngineError) => e.path === 'engine.cluster' && /scheme "http:"/.test(e.message));
  assert.throws(() => checkClusterUrl('db:6379', '--cluster'), /--cluster: has scheme "db:"|--cluster: is "db:6379", not a URL/);
});

test('a coordinator that cannot reach Redis fails with an error naming engine.cluster and the URL, not a hang', async () => {
  const port = await freePort(); // nothing listens there
  const t0 = Date.now();
  await assert.rejects(
    EsCoordinator.connect({ url: `redis://:pw@127.0.0.1:${port}`, config: {}, runId: 'r', redisTimeoutSeconds: 2, log: () => {} }),
    (e: EngineError) => e.path === 'engine.cluster' && e.message.includes(`redis://:***@127.0.0.1:${port}`) && !e.message.includes(':pw@'),
  );
  assert.ok(Date.now() - t0 < 20_000);
});

test('a worker refuses a job of another protocol version for good, and the coordinator reports a job a worker cannot run', async () => {
  const redis = await TestRedis.start();
  servers.push(redis);
  const logs: string[] = [];
  const runner = new ReferenceRunner();
  const worker = await EsWorker.start({ url: redis.url, runner, stallSeconds: 2, log: (_l, m) => logs.push(m) });
  const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(ES_QUEUE, { connection: conn });
  try {
    const job = await queue.add('es/pairs', { v: 2, type: 'es/pairs' }, { jobId: 'future-job', attempts: 5 });
    for (let i = 0; i < 100 && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 100));
    const failed = await queue.getJob('future-job');
    assert.equal(await failed!.getState(), 'failed');
    assert.equal(failed!.attemptsMade, 1, 'not retried');
    assert.match(failed!.failedReason, /refused job future-job: es\/pairs\.v: expected protocol version 1 .*got 2/);

    // A config the worker rejects (the coordinator publishes whatever the run uses): the step fails, saying why.
    const coord = await EsCoordinator.connect({ url: redis.url, config: { training: { population_size: -3 } }, runId: 'bad', log: () => {} });
    try {
      await assert.rejects(
        coord.evaluate(new Float64Array(4), { seed: 1, step: 1, k0: 0, k1: 2, T: 5 }),
        (e: EngineError) => e.path === 'engine.cluster' && /step 1\) failed after \d attempt\(s\): .*population_size/.test(e.message),
      );
      assert.ok(logs.filter((l) => /failed: .*population_size/.test(l)).length >= 2, 'given one more round before the step failed');
    } finally {
      await coord.close();
    }
  } finally {
    await queue.close();
    conn.disconnect();
    await worker.close();
    await runner.dispose();
    await redis.stop();
  }
});
