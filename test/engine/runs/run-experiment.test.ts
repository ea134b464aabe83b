import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { EngineError } from '../../../src/engine/errors';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halvesSampler, toyModel } from '../../helpers/toy-task';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { MetricsRow, RunStatus } from '../../../src/engine/runs/records';

const sampler = halvesSampler;
const model = toyModel;

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
  const losses = (dir: string): number[] => readJsonl<MetricsRow>(join(dir, 'metrics.jsonl')).rows.map((m) => m.metaLoss);
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
  const { readdirSync } = await import('node:fs');
  const [id] = readdirSync(runsDir);
  const status = JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')) as RunStatus;
  assert.equal(status.state, 'failed');
  assert.match(status.error ?? '', /dataset went away/);
});
