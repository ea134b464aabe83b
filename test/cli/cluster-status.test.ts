/**
 * `vsml cluster status` against a real redis-server (loopback, free port) with one `vsml worker`
 * process, before and after a short `vsml train --cluster` run; and against a URL nothing answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClusterStatus } from '../../src/protocol/cluster-status';
import { REPO_ROOT } from '../helpers/paths';
import { TestRedis, freePort } from '../helpers/redis-server';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');

function vsml(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

// The unreachable case waits on nothing the other test does: side by side.
describe('vsml cluster status', { concurrency: true }, () => {
  let redis: TestRedis;
  let worker: ChildProcess;
  let workerErr = '';
  before(async () => {
    redis = await TestRedis.start();
    worker = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--cluster', redis.url, '--path', 'fused', '--threads', '1'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker did not start:\n${workerErr}`)), 60_000);
      worker.stderr!.on('data', (d) => {
        workerErr += d;
        if (/worker \S+ on redis:/.test(workerErr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });
  after(async () => {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await redis.stop();
  });

  test('lists the one worker and an empty queue, then the jobs a short cluster run left and the worker\'s speed', () => {
    const first = vsml(['cluster', 'status', '--cluster', redis.url, '--json']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.trim().split('\n').length, 1, 'one line');
    const s0 = parseClusterStatus(first.stdout);
    assert.ok(s0.ok, s0.ok ? '' : s0.error);
    assert.deepEqual(s0.message.workers.map((w) => w.name), [`${hostname()}:${worker.pid}`]);
    assert.match(s0.message.workers[0].addr, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(s0.message.counts, { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
    assert.deepEqual(s0.message.speeds, []);

    // Two meta-steps of 4 pairs on the worker: its jobs stay in the queue's completed set.
    const dir = mkdtempSync(join(tmpdir(), 'vsml-cluster-status-'));
    const config = join(dir, 'tiny.vsml.json');
    writeFileSync(config, JSON.stringify({
      name: 'tiny', seed: 3,
      training: { iterations: 2, dataset: 'mnist', episode_length: 4, population_size: 4 },
      evaluation: { datasets: ['mnist'], episode_length: 4, frequency: 1000, count: 1 },
      data: { preprocess: { resize: [4, 4] } },
      model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
      engine: { path: 'fused', threads: 1 },
      baselines: { enabled: false },
    }));
    const train = vsml(['train', config, '--runs-dir', join(dir, 'runs'), '--cluster', redis.url]);
    assert.equal(train.status, 0, train.stderr);

    const second = vsml(['cluster', 'status', '--json'], { ...process.env, VSML_CLUSTER: redis.url });
    assert.equal(second.status, 0, second.stderr);
    const s1 = parseClusterStatus(second.stdout);
    assert.ok(s1.ok, s1.ok ? '' : s1.error);
    const { counts, speeds, recentJobs } = s1.message;
    assert.equal(counts.waiting + counts.active + counts.delayed + counts.failed, 0);
    assert.ok(counts.completed >= 2, `completed ${counts.completed}`);
    assert.equal(recentJobs, counts.completed);
    assert.equal(speeds.length, 1);
    assert.equal(speeds[0].worker, s1.message.workers[0].name);
    assert.equal(speeds[0].jobs, counts.completed);
    assert.equal(speeds[0].pairs, 2 * 4, 'every pair of both steps');
    assert.ok(speeds[0].pairsPerSecond > 0 && Math.abs(speeds[0].pairsPerSecond - speeds[0].pairs / speeds[0].seconds) < 1e-9);

    const text = vsml(['cluster', 'status', '--cluster', redis.url, '--jobs', '1']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /: 1 worker\n/);
    assert.match(text.stdout, new RegExp(`jobs: 0 waiting, 0 active, 0 delayed, 0 failed, ${counts.completed} completed`));
    assert.match(text.stdout, /\d+\.\d pairs\/s \(1 of the last 1 jobs\)/);
  });

  test('an unreachable Redis: one error naming the URL with its password masked, exit 1, within seconds', async () => {
    const port = await freePort(); // nothing listens there
    const r = vsml(['cluster', 'status', '--cluster', `redis://:hunter2@127.0.0.1:${port}`, '--json']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr, /hunter2/);
    // A bound on "no endless retry" (the CLI gives up after 5 s), not a speed goal: loose, as tsx startup takes seconds on a loaded machine.
    assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  });
});
