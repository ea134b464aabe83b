import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { ExperimentConfig } from '../../../src/engine/config/types';
import { planExperiment } from '../../../src/engine/runs/plan-experiment';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { Rollout, RolloutRunner, RolloutResult } from '../../../src/engine/model/rollout-runner';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { stepRng } from '../../../src/engine/meta/es-step';

/** MNIST meta-training on two tasks of different sizes (3 classes at 4x4; 10 classes at 5x5, projected by one of a pool of 3). */
function tasksConfig(): ExperimentConfig {
  const r = validateConfigValue({
    name: 'tasks', seed: 4,
    training: { iterations: 4, dataset: 'mnist', episode_length: 4, population_size: 3,
      tasks: [{ resize: [4, 4], filter_classes: [0, 1, 2] }, { resize: [5, 5], rand_proj: true, weight: 1 }] },
    evaluation: { datasets: [], count: 1, episode_length: 3, frequency: 1000 },
    data: { preprocess: { resize: [7, 7], rand_proj_pool: 3, rand_proj_share: 1 } },
    model: { sub_rnn: { msg_size: 3, slow_size: 4 }, vsml_rnn: { num_micro_ticks: 1 } },
    baselines: { enabled: false }, checkpoint: { frequency: 1 },
  }, 'tasks.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
}

class Recording implements RolloutRunner {
  readonly name = 'reference';
  readonly backend = 'float64';
  readonly precision = 'float64' as const;
  readonly threads = 1;
  readonly sizes = new Set<string>();
  private readonly inner = new ReferenceRunner();
  run(cfg: VsmlModelConfig, rollouts: readonly Rollout[]): Promise<RolloutResult[]> {
    this.sizes.add(cfg.layerSizes.join('x'));
    return this.inner.run(cfg, rollouts);
  }
  async dispose(): Promise<void> {}
}

test('training.tasks: each episode keeps its task\'s sizes; a meta-step runs both networks', async () => {
  const plan = planExperiment(tasksConfig(), 'tasks.vsml.json');
  const shapes = new Set<string>();
  for (let s = 0; s < 30; s++) {
    const ep = plan.train(stepRng(4, s), 4, 1);
    assert.ok(ep.shape);
    shapes.add(`${ep.shape.inputSize}x${ep.shape.numClasses}`);
    assert.ok(Array.from(ep.labels).every((y) => y < ep.shape!.numClasses));
  }
  assert.deepEqual([...shapes].sort(), ['16x3', '25x10']);
  const runner = new Recording();
  const out = await runExperiment({ plan: { ...plan, iterations: 2, statusInterval: 0 }, runner, runsDir: mkdtempSync(join(tmpdir(), 'vsml-tasks-')) });
  assert.equal(out.state, 'finished');
  assert.deepEqual([...runner.sizes].sort(), ['16x3', '25x10']);
});

test('resume-equivalent: a run stopped and resumed in a fresh plan (new datasets and projection pool) ends where the uninterrupted one does', async () => {
  const whole = await runExperiment({ plan: { ...planExperiment(tasksConfig(), 'tasks.vsml.json'), statusInterval: 0 }, runner: new ReferenceRunner(), runsDir: mkdtempSync(join(tmpdir(), 'vsml-tasks-')) });
  const ac = new AbortController();
  const first = await runExperiment({
    plan: { ...planExperiment(tasksConfig(), 'tasks.vsml.json'), statusInterval: 0 }, runner: new ReferenceRunner(), runsDir: mkdtempSync(join(tmpdir(), 'vsml-tasks-')), signal: ac.signal,
    events: { metrics: (m) => { if (m.step === 2) ac.abort(); } },
  });
  assert.equal(first.state, 'stopped');
  const resumed = await runExperiment({ plan: { ...planExperiment(tasksConfig(), 'tasks.vsml.json'), statusInterval: 0 }, runner: new ReferenceRunner(), runsDir: mkdtempSync(join(tmpdir(), 'vsml-tasks-')), resumeDir: first.runDir });
  assert.equal(resumed.state, 'finished');
  assert.deepEqual(Array.from(resumed.theta), Array.from(whole.theta));
});
