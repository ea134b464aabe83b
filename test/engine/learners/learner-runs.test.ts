import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { planExperiment, evalModelFor } from '../../../src/engine/runs/plan-experiment';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { RunFolder } from '../../../src/engine/runs/run-folder';
import { learnerLayout } from '../../../src/engine/learners/learner-layout';
import { evaluateTrainedLa, openTrainedLa } from '../../../src/engine/eval/evaluate-checkpoint';
import { ExperimentConfig } from '../../../src/engine/config/types';
import { isVsml } from '../../../src/engine/learners/learner-config';

function config(dir: string, model: object): ExperimentConfig {
  const r = validateConfigValue({
    name: 'tiny-learner', seed: 5,
    training: { dataset: 'mnist', iterations: 2, population_size: 2, episode_length: 6 },
    evaluation: { datasets: ['mnist'], count: 2, episode_length: 6, frequency: 2 },
    data: { preprocess: { resize: [6, 6] } }, model, baselines: { enabled: false }, engine: { path: 'reference' },
  }, join(dir, 'tiny.vsml.json'));
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
}

const MODELS = [
  { type: 'MetaRNN', meta_rnn: { slow_size: 5 } },
  { type: 'HebbianFW', hebbian_fw: { use_oja: true } },
  { type: 'FWMemory', fw_memory: { slow_size: 4, memory_size: 3 } },
];

for (const model of MODELS) {
  test(`${model.type}: ES meta-trains it, the checkpoint carries its layout, resume-equivalent, and vsml eval's path evaluates it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-learner-'));
    const cfg = config(dir, model);
    const plan = planExperiment(cfg, join(dir, 'tiny.vsml.json'));
    assert.notEqual(plan.model.type, undefined);
    const runner = new ReferenceRunner();
    const out = await runExperiment({ plan, runner, runsDir: join(dir, 'runs') });
    assert.equal(out.state, 'finished');
    const ckpt = RunFolder.open(out.runDir).latestCheckpoint()!;
    assert.equal(ckpt.theta.length, learnerLayout(plan.model).size);
    assert.deepEqual(ckpt.modelConfig, plan.model);
    assert.equal(ckpt.layout.size, ckpt.theta.length);
    const acc = out.lastEval[0].methods.learned!.meanAccuracy;
    assert.ok(acc >= 0 && acc <= 1);

    // One step, checkpoint, resume for the second: the same θ as two steps in one go.
    const half = planExperiment({ ...cfg, training: { ...cfg.training, iterations: 1 } }, join(dir, 'tiny.vsml.json'));
    const first = await runExperiment({ plan: half, runner, runsDir: join(dir, 'runs2') });
    const resumed = await runExperiment({ plan, runner, runsDir: join(dir, 'runs2'), resumeDir: first.runDir });
    assert.deepEqual(Array.from(resumed.theta), Array.from(out.theta));

    const la = openTrainedLa(out.runDir);
    const rows = await evaluateTrainedLa(la, runner, { datasets: ['fashion_mnist'], length: 6, episodes: 2, baselines: false });
    assert.equal(rows[0].dataset, 'fashion_mnist');
    assert.ok(rows[0].methods.learned!.meanAccuracy >= 0);
    assert.ok(rows[0].methods.untrained!.meanAccuracy >= 0);
  });
}

test('a fixed-size learner meets other datasets by the pad rules: fewer classes fit, another input size is refused naming pad.input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-learner-'));
  const cfg = config(dir, MODELS[0]);
  const plan = planExperiment(cfg, join(dir, 'tiny.vsml.json'));
  const trained = plan.model;
  const fewer = evalModelFor(cfg, { name: 'three', source: '', inputSize: 36, numClasses: 3 } as never, trained);
  assert.deepEqual(fewer, { ...trained, batchSize: cfg.evaluation.batch_size }, 'outputs stay padded to the trained 10');
  assert.throws(() => evalModelFor(cfg, { name: 'big', source: '', inputSize: 784, numClasses: 10 } as never, trained, 'big'),
    /data\.preprocess\.pad\.input: dataset "big" gives inputs of 784 values, but the MetaRNN learner has a fixed input size of 36/);
  assert.throws(() => evalModelFor(cfg, { name: 'many', source: '', inputSize: 36, numClasses: 26 } as never, trained, 'many'),
    /data\.preprocess\.pad\.output: dataset "many" has 26 classes.*pad.*output.*\[26\]/);
  // VSML needs no padding: its network takes the dataset's own sizes.
  const vsml = config(dir, { type: 'VSMLRNN' });
  const m = evalModelFor(vsml, { name: 'big', source: '', inputSize: 784, numClasses: 26 } as never, planExperiment(vsml, join(dir, 'v.json')).model);
  assert.ok(isVsml(m));
  assert.deepEqual(m.layerSizes, [784, 26]);
});

test('truncated ES and backprop refuse the baselines, naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-learner-'));
  const cfg = config(dir, MODELS[0]);
  const plan = planExperiment({ ...cfg, optimizer: { ...cfg.optimizer, truncation: 3 } }, join(dir, 'tiny.vsml.json'));
  await assert.rejects(runExperiment({ plan, runner: new ReferenceRunner(), runsDir: join(dir, 'runs') }), /optimizer\.truncation: is not available for model\.type metarnn/);
});
