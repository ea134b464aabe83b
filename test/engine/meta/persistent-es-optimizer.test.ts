import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../../src/engine/errors';
import { FusedRunner } from '../../../src/engine/kernel/fused-runner';
import { loadNativeKernel } from '../../../src/engine/kernel/native-kernel';
import { paramIndices, VsmlModelConfig } from '../../../src/engine/model/config';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { RolloutRunner } from '../../../src/engine/model/rollout-runner';
import { toyModel, toySampler } from '../../helpers/toy-task';
import { episodeSlice } from '../../../src/engine/meta/persistent-es-optimizer';
import { TruncatedEstimator } from '../../../src/engine/meta/truncated-es';
import { Rng } from '../../../src/engine/random';
import { readJsonl } from '../../../src/engine/runs/atomic-file';
import { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { MetricsRow } from '../../../src/protocol/run-records';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { TfjsRunner } from '../../../src/engine/tfjs/tfjs-runner';
import { randomConfig, randomRollout } from '../kernel/kernel-test-helpers';

// --- slicing: K steps twice from the carried state must equal 2K steps at once, on every runner path

const native = loadNativeKernel();
const runners: { name: string; make: () => Promise<RolloutRunner>; skip?: string | false }[] = [
  { name: 'reference', make: async () => new ReferenceRunner() },
  { name: 'fused-wasm', make: () => FusedRunner.create({ prefer: 'wasm', threads: 0 }) },
  { name: 'fused-native', make: () => FusedRunner.create({ prefer: 'native', threads: 0 }), skip: native.kernel ? false : `native addon unavailable: ${native.reason}` },
  { name: 'tfjs-cpu', make: () => TfjsRunner.create({ backend: 'cpu', threads: 0 }) },
];

/** Runs `rollout` whole, then as slices [0, K) and [K, 2K) with the state carried; returns both. */
async function wholeAndSliced(runner: RolloutRunner, cfg: VsmlModelConfig, K: number) {
  const r = randomRollout(cfg, new Rng(5, `slice-${cfg.backwardPass}`), 2 * K);
  const [whole] = await runner.run(cfg, [r], { wantFinalState: true });
  const part = (start: number) => episodeSlice(r.episode, start, K, cfg.batchSize, cfg.layerSizes[0]);
  const [first] = await runner.run(cfg, [{ theta: r.theta, episode: part(0), initialState: r.initialState }], { wantFinalState: true });
  const [second] = await runner.run(cfg, [{ theta: r.theta, episode: part(K), initialState: first.finalState! }], { wantFinalState: true });
  const logits = new Float64Array(whole.logits.length);
  logits.set(first.logits, 0);
  logits.set(second.logits, first.logits.length);
  return { whole, sliced: { logits, finalState: second.finalState! } };
}

for (const { name, make, skip } of runners) {
  test(`${name}: K steps twice from the carried state equal 2K steps at once (one layer, backward pass, batch 2)`, { skip }, async () => {
    const runner = await make();
    try {
      const cfg = randomConfig(new Rng(11, 'slice-cfg'), { layerSizes: [5, 3], backwardPass: true, batchSize: 2, ...paramIndices(1, false, false) });
      const { whole, sliced } = await wholeAndSliced(runner, cfg, 6);
      // Bit-identical: the float32 paths hand back states that are exactly float32, so nothing rounds at the seam.
      assert.deepEqual(Array.from(sliced.logits), Array.from(whole.logits));
      for (let l = 0; l < whole.finalState!.length; l++) {
        assert.deepEqual(Array.from(sliced.finalState[l].h), Array.from(whole.finalState![l].h));
        assert.deepEqual(Array.from(sliced.finalState[l].c), Array.from(whole.finalState![l].c));
      }
    } finally {
      await runner.dispose();
    }
  });
}

test('without a backward pass the error fed across a slice boundary is lost (what the truncation-resets-messages warning says)', async () => {
  const runner = new ReferenceRunner();
  const cfg = randomConfig(new Rng(11, 'slice-cfg'), { layerSizes: [5, 3], backwardPass: false, batchSize: 1, ...paramIndices(1, false, false) });
  const { whole, sliced } = await wholeAndSliced(runner, cfg, 6);
  const C = 3;
  // The first slice is the same; the second slice's first step differs (it sees no error from step K-1).
  assert.deepEqual(Array.from(sliced.logits.subarray(0, 6 * C)), Array.from(whole.logits.subarray(0, 6 * C)));
  assert.notDeepEqual(Array.from(sliced.logits.subarray(6 * C, 7 * C)), Array.from(whole.logits.subarray(6 * C, 7 * C)));
});

// --- the optimizer inside the training loop: resume mid-episode equals an uninterrupted run

const sampler = toySampler;
const model = toyModel({ backwardPass: true });

/** Episodes of 8 steps in slices of 3 (the last slice has 2 steps), 3 pairs at different phases. */
const plan = (iterations: number, estimator: TruncatedEstimator | undefined): ExperimentPlan => ({
  name: 'toy', seed: 3, source: 'toy.vsml.json', resolvedConfig: { name: 'toy' }, model, iterations,
  optimizer: {
    type: 'es',
    es: { pairs: 3, sigma: 0.05, episodeLength: 8, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } },
    ...(estimator ? { truncation: { length: 3, estimator } } : {}),
  },
  train: sampler,
  evaluation: { frequency: 100, spec: { length: 8, episodes: 1, seed: 22 }, datasets: [{ key: 'toy', sample: sampler, numClasses: 2 }] },
  checkpointFrequency: 100,
  statusInterval: 0,
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-pes-'));
const losses = (dir: string): (number | null)[] => readJsonl<MetricsRow>(join(dir, 'metrics.jsonl')).rows.map((m) => m.metaLoss);

for (const estimator of ['pes', 'truncated'] as const) {
  test(`${estimator}: stop mid-episode then resume gives exactly the run that was never stopped`, async () => {
    const whole = await runExperiment({ plan: plan(7, estimator), runner: new ReferenceRunner(), runsDir: tmp() });
    const ac = new AbortController();
    const first = await runExperiment({
      plan: plan(7, estimator), runner: new ReferenceRunner(), runsDir: tmp(), signal: ac.signal,
      events: { metrics: (m) => { if (m.step === 4) ac.abort(); } },
    });
    assert.equal(first.step, 4);
    const ckpt = JSON.parse(readFileSync(join(first.runDir, 'checkpoints', 'latest.json'), 'utf8'));
    // Step 4 leaves two pairs inside an episode (slices of 3 from phases 0, 3, 6 of 8 steps), and the reference's float64 states are kept as float64.
    assert.equal(ckpt.metaOptimizer.extra.particles.length, 3);
    assert.deepEqual(ckpt.metaOptimizer.extra.particles.map((p: { t: number }) => p.t), [3, 6, 0]);
    assert.equal(ckpt.metaOptimizer.extra.particles[0].pos.dtype, 'f64');
    assert.equal('xi' in ckpt.metaOptimizer.extra.particles[0], estimator === 'pes');
    console.log(`  ${estimator} checkpoint: ${statSync(join(first.runDir, 'checkpoints', 'latest.json')).size} bytes`);
    const resumed = await runExperiment({ plan: plan(7, estimator), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: first.runDir });
    assert.deepEqual(Array.from(resumed.theta), Array.from(whole.theta));
    assert.deepEqual(losses(resumed.runDir), losses(whole.runDir));
  });
}

test('PES and truncated ES take different steps from the same start (the estimators differ)', async () => {
  const a = await runExperiment({ plan: plan(4, 'pes'), runner: new ReferenceRunner(), runsDir: tmp() });
  const b = await runExperiment({ plan: plan(4, 'truncated'), runner: new ReferenceRunner(), runsDir: tmp() });
  // Step 1 starts every pair from a fresh state with ξ = ε: identical; later steps diverge.
  assert.equal(losses(a.runDir)[0], losses(b.runDir)[0]);
  assert.notDeepEqual(Array.from(a.theta), Array.from(b.theta));
});

test('resuming across whole-episode and truncated ES is refused, naming the field', async () => {
  const pes = await runExperiment({ plan: plan(2, 'pes'), runner: new ReferenceRunner(), runsDir: tmp() });
  await assert.rejects(runExperiment({ plan: plan(3, undefined), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: pes.runDir }),
    (e: unknown) => e instanceof EngineError && e.path === 'optimizer.truncation');
  const es = await runExperiment({ plan: plan(2, undefined), runner: new ReferenceRunner(), runsDir: tmp() });
  await assert.rejects(runExperiment({ plan: plan(3, 'pes'), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: es.runDir }),
    (e: unknown) => e instanceof EngineError && e.path === 'metaOptimizer.extra');
  await assert.rejects(runExperiment({ plan: plan(3, 'truncated'), runner: new ReferenceRunner(), runsDir: tmp(), resumeDir: pes.runDir }),
    (e: unknown) => e instanceof EngineError && e.path === 'metaOptimizer.extra.estimator');
});
