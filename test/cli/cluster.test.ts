/**
 * `vsml train --cluster` with `vsml worker` processes on a real redis-server (loopback, free port,
 * no persistence), against the same run made locally: the numbers must not depend on how many
 * workers evaluated a step, which of them died, or whether the coordinator or Redis went away.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { TestRedis } from '../helpers/redis-server';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
const live: ChildProcess[] = [];
const servers: TestRedis[] = [];
after(async () => {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const r of servers) await r.stop();
});

/** A `vsml` process whose stderr a test can wait on. */
class Vsml {
  readonly proc: ChildProcess;
  err = '';
  out = '';
  readonly exited: Promise<number | null>;
  private listeners: (() => void)[] = [];

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    live.push(this.proc);
    this.proc.stderr!.on('data', (d) => {
      this.err += d;
      for (const l of this.listeners) l();
    });
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  waitFor(re: RegExp, ms = 90_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = this.err.match(re);
        if (m) {
          clearTimeout(timer);
          this.listeners = this.listeners.filter((l) => l !== check);
          resolve(m);
        }
      };
      const timer = setTimeout(() => reject(new Error(`no ${re} in:\n${this.err}`)), ms);
      this.listeners.push(check);
      check();
    });
  }
}

const worker = (url: string): Vsml => new Vsml(['worker', '--cluster', url, '--path', 'fused', '--threads', '1', '--stall-seconds', '2']);

/** A small MNIST experiment on the float32 fused kernel, one checkpoint a step, nothing but ES and one cheap evaluation. */
function writeConfig(dir: string, name: string, over: { iterations: number; T: number; pairs: number; resize: number }): string {
  const file = join(dir, `${name}.vsml.json`);
  writeFileSync(file, JSON.stringify({
    name, seed: 11,
    training: { iterations: over.iterations, dataset: 'mnist', episode_length: over.T, population_size: over.pairs },
    evaluation: { datasets: ['mnist'], episode_length: 5, frequency: 1000, count: 2 },
    data: { preprocess: { resize: [over.resize, over.resize] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
    engine: { path: 'fused', threads: 1 },
    checkpoint: { frequency: 1 },
    baselines: { enabled: false },
  }));
  return file;
}

function runDir(runsDir: string): string {
  const runs = readdirSync(runsDir);
  assert.equal(runs.length, 1, `one run in ${runsDir}`);
  return join(runsDir, runs[0]);
}

type Row = Record<string, number>;
const metrics = (dir: string): Row[] => {
  const f = join(dir, 'metrics.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row) : [];
};

function localRun(config: string, runsDir: string): Row[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'train', config, '--runs-dir', runsDir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  return metrics(runDir(runsDir));
}

/** Step by step, every figure ES reports, to 1e-6 relative (float32 kernel on both sides). */
function assertSameSteps(actual: Row[], expected: Row[]): void {
  assert.deepEqual(actual.map((r) => r.step), expected.map((r) => r.step));
  for (let i = 0; i < expected.length; i++)
    for (const k of ['metaLoss', 'lossPos', 'lossNeg', 'trainAccuracy', 'gradNorm', 'thetaNorm']) {
      const a = actual[i][k];
      const e = expected[i][k];
      assert.ok(Math.abs(a - e) <= 1e-6 * Math.max(1e-12, Math.abs(e)), `step ${expected[i].step} ${k}: cluster ${a}, local ${e}`);
    }
}

async function waitForSteps(dir: () => string | undefined, n: number, ms = 120_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const d = dir();
    if (d && metrics(d).length >= n) return;
    if (Date.now() - t0 > ms) throw new Error(`fewer than ${n} steps after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The three runs mostly wait on each other's processes and on Redis: run them side by side.
describe('cluster runs', { concurrency: true }, () => {
  test('a cluster run with 2 vsml worker processes equals the local run step by step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-cluster-'));
    const config = writeConfig(dir, 'tiny', { iterations: 4, T: 5, pairs: 6, resize: 4 });
    const local = localRun(config, join(dir, 'local'));
    const redis = await TestRedis.start();
    servers.push(redis);
    const [a, b] = [worker(redis.url), worker(redis.url)];
    await Promise.all([a.waitFor(/worker \S+ on redis:\/\/127\.0\.0\.1/), b.waitFor(/worker \S+ on redis:\/\/127\.0\.0\.1/)]);
    const coord = new Vsml(['train', config, '--runs-dir', join(dir, 'cluster'), '--cluster', redis.url]);
    assert.equal(await coord.exited, 0, coord.err);
    assertSameSteps(metrics(runDir(join(dir, 'cluster'))), local);
    assert.match(coord.err, /ES pairs on the cluster/);
    const jobs = (a.err + b.err).match(/ done in /g)?.length ?? 0;
    assert.ok(jobs >= 4, `at least one job per step, got ${jobs}`);
    a.proc.kill('SIGINT');
    b.proc.kill('SIGINT');
    assert.equal(await a.exited, 0, a.err);
    assert.match(a.err, /stopped after \d+ job/);
    await b.exited;
    await redis.stop();
  });

  test('a worker SIGKILLed mid-step and a worker joining mid-run: the run finishes with the local numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-cluster-'));
    // Jobs of one pair of 2 rollouts of 784 x 10 cells x 100 steps: long enough to be killed in.
    const config = writeConfig(dir, 'kill', { iterations: 4, T: 100, pairs: 4, resize: 28 });
    const local = localRun(config, join(dir, 'local'));
    const redis = await TestRedis.start();
    servers.push(redis);
    const a = worker(redis.url);
    await a.waitFor(/worker \S+ on /);
    const coord = new Vsml(['train', config, '--runs-dir', join(dir, 'cluster'), '--cluster', redis.url]);
    const [, range] = await a.waitFor(/step 2: (pairs \[\d+, \d+\)) started/);
    a.proc.kill('SIGKILL');
    await a.exited;
    assert.doesNotMatch(a.err, new RegExp(`step 2: ${range.replace(/[[\]()]/g, '\\$&')} done`), 'killed before its job finished');
    const b = worker(redis.url); // joins mid-run, takes the dead worker's job once its lock runs out
    assert.equal(await coord.exited, 0, coord.err);
    assertSameSteps(metrics(runDir(join(dir, 'cluster'))), local);
    assert.match(b.err, new RegExp(`step 2: ${range.replace(/[[\]()]/g, '\\$&')} done`), 'the killed job was done again by the new worker');
    b.proc.kill('SIGINT');
    await b.exited;
    await redis.stop();
  });

  test('the coordinator SIGKILLed and resumed with --resume, then Redis restarted mid-run: the run finishes with the local numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-cluster-'));
    const config = writeConfig(dir, 'resume', { iterations: 8, T: 40, pairs: 4, resize: 28 });
    const local = localRun(config, join(dir, 'local'));
    const redis = await TestRedis.start();
    servers.push(redis);
    const a = worker(redis.url);
    await a.waitFor(/worker \S+ on /);
    const runsDir = join(dir, 'cluster');
    const first = new Vsml(['train', config, '--runs-dir', runsDir, '--cluster', redis.url]);
    const dirOf = (): string | undefined => (existsSync(runsDir) && readdirSync(runsDir).length > 0 ? runDir(runsDir) : undefined);
    await waitForSteps(dirOf, 2);
    first.proc.kill('SIGKILL');
    await first.exited;
    const killedAt = metrics(dirOf()!).length;
    assert.ok(killedAt < 8, 'killed before the end');

    const second = new Vsml(['train', '--resume', dirOf()!, '--cluster', redis.url]);
    await second.waitFor(/resuming after step \d+/);
    await waitForSteps(dirOf, Math.min(killedAt + 2, 6));
    await redis.stop();
    await second.waitFor(/Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable .*waiting up to/);
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start(); // empty: the step's jobs and the published config are gone
    assert.equal(await second.exited, 0, second.err);
    assert.match(second.err, /Redis at \S+ is back after/);
    assertSameSteps(metrics(dirOf()!), local);
    a.proc.kill('SIGINT');
    await a.exited;
    await redis.stop();
  });
});
