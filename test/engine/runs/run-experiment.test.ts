import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { toyModel, toySampler } from '../../helpers/toy-task';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { EngineError } from '../../../src/engine/errors';
import { bootId } from '../../../src/engine/runs/liveness';
import { stopPoint } from '../../../src/engine/stop';
import type { MetricsRow, RunStatus } from '../../../src/protocol/run-records';

const sampler = toySampler;
const model = toyModel();

const plan = (iterations: number): ExperimentPlan => ({
  name: 'toy', seed: 3, source: 'toy.vsml.json', resolvedConfig: { name: 'toy' }, model, iterations,
  optimizer: { type: 'es', es: { pairs: 4, sigma: 0.05, episodeLength: 8, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } } },
  train: sampler,
  evaluation: { frequency: 3, spec: { length: 8, episodes: 2, seed: 22 }, datasets: [{ key: 'toy', sample: sampler, numClasses: 2 }] },
  checkpointFrequency: 2,
  statusInterval: 0,
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-exp-'));

test('a run writes config, status, one metrics line per step, evaluations, checkpoints and a snapshot', async () => {
  const events: string[] = [];
  const out = await runExperiment({ plan: plan(4), runner: new ReferenceRunner(), runsDir: tmp(), events: { started: () => events.push('started'), evaluation: () => events.push('eval') } });
  assert.equal(out.state, 'finished');
  const status = JSON.parse(readFileSync(join(out.runDir, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'finished');
  assert.equal(status.step, 4);
  assert.equal(status.runner?.path, 'reference');
  const metrics = readJsonl<MetricsRow>(join(out.runDir, 'metrics.jsonl')).rows;
  assert.deepEqual(metrics.map((m) => m.step), [1, 2, 3, 4]);
  const evals = readJsonl<{ step: number; methods: Record<string, { curve: number[] }> }>(join(out.runDir, 'eval.jsonl')).rows;
  assert.deepEqual(evals.map((e) => e.step), [0, 3, 4]);
  assert.equal(evals[0].methods.learned.curve.length, 8);
  assert.ok(evals[0].methods.untrained);
  // At step 0 the learned LA is the meta-init; later evaluations see the same episodes, so the untrained LA's figures repeat exactly.
  assert.deepEqual(evals[1].methods.untrained, evals[0].methods.untrained);
  const snap = JSON.parse(readFileSync(join(out.runDir, 'snapshot.json'), 'utf8'));
  assert.equal(snap.frames.length, 8);
  assert.equal(Buffer.from(snap.frames[0].layers[0].h, 'base64').byteLength, 4 * 2 * 4 * 4);
  assert.deepEqual(events, ['started', 'eval', 'eval', 'eval']);
});

test('stop then resume gives exactly the run that was never stopped', async () => {
  const whole = await runExperiment({ plan: plan(5), runner: new ReferenceRunner(), runsDir: tmp() });
  const ac = new AbortController();
  const first = await runExperiment({
    plan: plan(5), runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal,
    events: { metrics: (m) => { if (m.step === 3) ac.abort(); } },
  });
  assert.equal(first.state, 'stopped');
  assert.equal(first.step, 3);
  assert.equal(JSON.parse(readFileSync(join(first.runDir, 'status.json'), 'utf8')).state, 'stopped');
  const resumed = await runExperiment({ plan: plan(5), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: first.runDir });
  assert.equal(resumed.state, 'finished');
  assert.deepEqual(Array.from(resumed.theta), Array.from(whole.theta));
  const losses = (dir: string): (number | null)[] => readJsonl<MetricsRow>(join(dir, 'metrics.jsonl')).rows.map((m) => m.metaLoss);
  assert.deepEqual(losses(resumed.runDir), losses(whole.runDir));
});

test('resuming a checkpoint written by another meta-optimizer is refused, naming optimizer.type', async () => {
  const ac = new AbortController();
  const first = await runExperiment({
    plan: plan(4), runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal,
    events: { metrics: (m) => { if (m.step === 2) ac.abort(); } },
  });
  const latest = join(first.runDir, 'checkpoints', 'latest.json');
  const ckpt = JSON.parse(readFileSync(latest, 'utf8'));
  assert.equal(ckpt.metaOptimizer.type, 'es');
  writeFileSync(latest, JSON.stringify({ ...ckpt, metaOptimizer: { type: 'backprop' } }));
  await assert.rejects(
    runExperiment({ plan: plan(4), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: first.runDir }),
    (e: unknown) => e instanceof EngineError && e.path === 'optimizer.type' && /backprop/.test(e.message),
  );
});

test('a failure marks the run failed with the reason', async () => {
  const p = plan(3);
  p.train = () => { throw new Error('dataset went away'); };
  const runsDir = tmp();
  await assert.rejects(runExperiment({ plan: p, runner: new ReferenceRunner(), runsDir }), /dataset went away/);
  const [id] = readdirSync(runsDir);
  const status = JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'failed');
  assert.match(status.error ?? '', /dataset went away/);
});

test('a crash before the first meta-step (here: in the started event) also marks the run failed, with the reason in trainer.log', async () => {
  const runsDir = tmp();
  await assert.rejects(runExperiment({
    plan: plan(3), runner: new ReferenceRunner(), runsDir,
    events: { started: () => { throw new RangeError('Invalid typed array length: 1e15'); } },
  }), /Invalid typed array length/);
  const { readdirSync } = await import('node:fs');
  const [id] = readdirSync(runsDir);
  const status = JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'failed');
  assert.equal(status.step, 0);
  assert.match(status.error ?? '', /Invalid typed array length/);
  const log = readFileSync(join(runsDir, id, 'trainer.log'), 'utf8');
  assert.match(log, /error failed at step 0: RangeError: Invalid typed array length: 1e15 +at /);
});

test('a crash in the first evaluation marks the run failed', async () => {
  const p = plan(3);
  p.evaluation.datasets[0].sample = () => { throw new Error('evaluation data went away'); };
  const runsDir = tmp();
  await assert.rejects(runExperiment({ plan: p, runner: new ReferenceRunner(), runsDir }), /evaluation data went away/);
  const { readdirSync } = await import('node:fs');
  const [id] = readdirSync(runsDir);
  assert.equal((JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')) as RunStatus).state, 'failed');
});

test('warnings found while loading the config are logged when the run starts and kept in trainer.log, after the runner and how it was chosen', async () => {
  const logged: string[] = [];
  const out = await runExperiment({
    plan: {
      ...plan(1), warnings: ['warning: evaluation dataset "fashion_mnist" is not available; evaluations leave it out'],
      runnerNotes: [{ level: 'info', message: 'engine.path auto chose fused-native (native-avx2): 47.1 M cell-ticks/s vs tfjs 2.1 M (measured 2026-12-01)' }],
    },
    runner: new ReferenceRunner(), runsDir: tmp(), events: { log: (level, m) => logged.push(`${level} ${m}`) },
  });
  assert.ok(logged.includes('warn warning: evaluation dataset "fashion_mnist" is not available; evaluations leave it out'), logged.join('\n'));
  const lines = readFileSync(join(out.runDir, 'trainer.log'), 'utf8').split('\n');
  assert.match(lines[0], /^\S+ info started on .*: runner reference \(js-float64, 1 thread\), θ has \d+ parameters$/);
  assert.match(lines[1], /^\S+ info engine\.path auto chose fused-native \(native-avx2\): 47\.1 M/);
  assert.match(lines[2], /^\S+ warn warning: evaluation dataset "fashion_mnist" is not available/);
});

// ---- Hardening: planted symlinks, the run lock, stop inside an evaluation ----

/** A run stopped after 2 meta-steps: a folder with every file the engine writes. */
async function stoppedRun(): Promise<string> {
  const ac = new AbortController();
  const out = await runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal, events: { metrics: (r) => void (r.step === 2 && ac.abort()) } });
  assert.equal(out.state, 'stopped');
  return out.runDir;
}

/** Every file under `dir` with its content (links listed as links), to compare before and after. */
function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const f = join(d, name);
      const st = lstatSync(f);
      if (st.isSymbolicLink()) out.set(f, `-> ${readlinkSync(f)}`);
      else if (st.isDirectory()) walk(f);
      else out.set(f, readFileSync(f, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const PLANTED = [
  'status.json', `status.json.tmp-${process.pid}`, 'metrics.jsonl', 'eval.jsonl', 'metrics.jsonl.before-resume', 'eval.jsonl.before-resume',
  'checkpoints', 'checkpoints/latest.json', 'checkpoints/step-00000002.json', 'checkpoints/step-00000004.json', 'checkpoints/step-00000006.json',
  'snapshot.json', 'trainer.log', 'run.lock', 'config.json',
];

test('resume never writes through a symlink planted at any name the engine writes', async () => {
  const template = await stoppedRun();
  for (const names of [...PLANTED.map((n) => [n]), PLANTED]) {
    const root = tmp();
    const run = join(root, 'runs', 'r');
    const outside = join(root, 'outside');
    mkdirSync(outside);
    cpSync(template, run, { recursive: true });
    for (const name of names) {
      const at = join(run, name);
      const target = join(outside, name.replace('/', '_') + (name === 'checkpoints' ? '-dir' : ''));
      if (name === 'checkpoints') cpSync(at, target, { recursive: true }); // a lookalike folder outside
      else writeFileSync(target, 'precious\n');
      rmSync(at, { recursive: true, force: true });
      symlinkSync(target, at);
    }
    const before = snapshotTree(outside);
    const statusBefore = lstatSync(join(run, 'status.json')).isSymbolicLink() ? undefined : readFileSync(join(run, 'status.json'), 'utf8');
    let error: unknown;
    try {
      await runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: join(root, 'runs'), resumeDir: run });
    } catch (e) {
      error = e;
    }
    assert.deepEqual(snapshotTree(outside), before, `${names.join(', ')}: a file outside the run folder changed`);
    const onlyTemp = names.length === 1 && names[0].includes('.tmp-');
    if (onlyTemp) assert.equal(error, undefined, 'a link at an old temp name is never opened (temp names are unguessable)');
    else {
      assert.ok(error instanceof EngineError, `${names.join(', ')}: expected a refusal, got ${String(error)}`);
      assert.match(error.message, /symbolic link/);
      assert.ok(names.some((n) => error.message.includes(join(run, n))), `the error names the link: ${error.message}`);
      if (statusBefore !== undefined) assert.equal(readFileSync(join(run, 'status.json'), 'utf8'), statusBefore, 'a refused resume writes nothing');
    }
  }
});

test('a run folder that is itself a symlink is refused', async () => {
  const template = await stoppedRun();
  const root = tmp();
  symlinkSync(template, join(root, 'link'));
  const before = snapshotTree(template);
  await assert.rejects(runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: root, resumeDir: join(root, 'link') }),
    (e: unknown) => e instanceof EngineError && /symbolic link/.test(e.message) && e.message.includes(join(root, 'link')));
  assert.deepEqual(snapshotTree(template), before);
});

const lockOf = (host: string, pid: number, heartbeatAt: Date, bootId?: string): string =>
  JSON.stringify({ host, pid, ...(bootId ? { bootId } : {}), startedAt: heartbeatAt.toISOString(), heartbeatAt: heartbeatAt.toISOString() });

test('resume on a live run (lock held by a live process) is refused and changes nothing', async () => {
  const run = await stoppedRun();
  writeFileSync(join(run, 'run.lock'), lockOf(hostname(), process.pid, new Date(), bootId()));
  const before = snapshotTree(run);
  await assert.rejects(runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: run }),
    (e: unknown) => e instanceof EngineError && new RegExp(`being trained by process ${process.pid} on ${hostname()}`).test(e.message) && /stop that trainer first/.test(e.fix));
  assert.deepEqual(snapshotTree(run), before);
});

test('a stale lock is taken over and the log says so; the lock is gone when the run ends', async () => {
  const here = { host: 'box', bootId: 'boot-1', isAlive: (pid: number) => pid === process.pid, now: () => new Date() };
  const cases = [
    { lock: lockOf('box', 999_999, new Date(), 'boot-1'), why: /process 999999 is gone/ }, // this machine, pid dead
    { lock: lockOf('box', process.pid, new Date(), 'boot-0'), why: /restarted/ }, // same host, rebooted since
    { lock: lockOf('elsewhere', 5, new Date(Date.now() - 3_600_000)), why: /no heartbeat for 36\d\d s/ }, // other host, old heartbeat
  ];
  for (const c of cases) {
    const run = await stoppedRun();
    writeFileSync(join(run, 'run.lock'), c.lock);
    const logs: string[] = [];
    const out = await runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: run, here, events: { log: (_l, m) => logs.push(m) } });
    assert.equal(out.state, 'finished');
    assert.ok(logs.some((l) => /taking over the stale lock/.test(l) && c.why.test(l)), logs.join('\n'));
    assert.equal(existsSync(join(run, 'run.lock')), false);
    const status = JSON.parse(readFileSync(join(run, 'status.json'), 'utf8')) as RunStatus;
    assert.equal(status.host, 'box');
    assert.equal(status.bootId, 'boot-1');
  }
  // A fresh heartbeat on another host cannot be judged by pid: it is live.
  const run = await stoppedRun();
  writeFileSync(join(run, 'run.lock'), lockOf('elsewhere', 5, new Date()));
  await assert.rejects(runExperiment({ plan: plan(6), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: run, here }), /being trained by process 5 on elsewhere/);
});

test('stop during an evaluation (baseline tuning) checkpoints the step and marks the run stopped', async () => {
  const ac = new AbortController();
  const p = plan(9);
  let calls = 0;
  p.baselines = async (_ds, _eps, signal) => {
    if (++calls === 2) ac.abort(); // while tuning for the second dataset of the first evaluation (step 0)
    await stopPoint(signal);
    return {};
  };
  p.evaluation.datasets = [...p.evaluation.datasets, { key: 'toy2', sample: sampler, numClasses: 2 }];
  p.evaluation.frequency = 3;
  const out = await runExperiment({ plan: p, runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal });
  assert.equal(out.state, 'stopped');
  assert.equal(out.step, 0);
  const status = JSON.parse(readFileSync(join(out.runDir, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'stopped');
  assert.ok(existsSync(join(out.runDir, 'checkpoints', 'step-00000000.json')));
  assert.equal(existsSync(join(out.runDir, 'run.lock')), false);
});

test('a failure while marking the run failed does not hide the first error', async () => {
  const p = plan(3);
  const runsDir = tmp();
  p.train = () => {
    // The run folder turns hostile mid-run: status.json becomes a link, so marking it failed fails too.
    const [id] = readdirSync(runsDir);
    rmSync(join(runsDir, id, 'status.json'));
    symlinkSync(join(runsDir, 'elsewhere.json'), join(runsDir, id, 'status.json'));
    throw new Error('dataset went away');
  };
  const logs: string[] = [];
  await assert.rejects(runExperiment({ plan: p, runner: new ReferenceRunner(), runsDir, events: { log: (_l, m) => logs.push(m) } }), /dataset went away/);
  assert.ok(logs.some((l) => /could not mark the run failed.*symbolic link/.test(l)), logs.join('\n'));
  assert.equal(existsSync(join(runsDir, 'elsewhere.json')), false, 'nothing written through the link');
});
