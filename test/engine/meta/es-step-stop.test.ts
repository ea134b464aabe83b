import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { initParams } from '../../../src/engine/model/init';
import { Rollout, RolloutResult, RolloutRunner } from '../../../src/engine/model/rollout-runner';
import { adamInit } from '../../../src/engine/optim/adam';
import { Rng } from '../../../src/engine/random';
import { StopRequested } from '../../../src/engine/stop';
import { EpisodeSampler } from '../../../src/engine/meta/episode-sampler';
import { esStep, EsOptions, rolloutsPerRunnerCall, STOP_CHECK_CELL_TICKS } from '../../../src/engine/meta/es-step';
import { toyModel } from '../../helpers/toy-task';

const opts = (pairs: number, T: number): EsOptions => ({
  pairs, sigma: 0.05, episodeLength: T, lossType: 'mean', centeredRanks: false, weightDecay: 0,
  adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 },
});

test('rollouts per runner call: one call for a short meta-step, batches of about STOP_CHECK_CELL_TICKS (a multiple of the threads) for a long one', () => {
  const cfg = (sizes: number[]): VsmlModelConfig => toyModel({ layerSizes: sizes, numMicroTicks: 2 });
  // The default experiment (49→10, T=50, 2 micro ticks): 49,000 cell-ticks a rollout, all 128 rollouts in one call.
  assert.ok(rolloutsPerRunnerCall(cfg([49, 10]), 50, 2) >= 128);
  // The paper's size (784→10, T=500): 7.84 M cell-ticks a rollout, a few per call, a multiple of 2 threads.
  const perRollout = 784 * 10 * 500 * 2;
  const n = rolloutsPerRunnerCall(cfg([784, 10]), 500, 2);
  assert.equal(n % 2, 0);
  assert.ok(n > 1 && (n - 2) * perRollout < STOP_CHECK_CELL_TICKS, `${n} rollouts a call`);
  // A rollout bigger than the budget still goes one per thread.
  assert.equal(rolloutsPerRunnerCall(cfg([784, 1000]), 10_000, 4), 4);
});

/** Answers every rollout with a constant loss, and aborts the controller on its first call (a stop arriving mid-step). */
class AbortingRunner implements RolloutRunner {
  readonly name = 'aborting';
  readonly backend = 'none';
  readonly precision = 'float64' as const;
  readonly threads = 1;
  calls = 0;
  constructor(private readonly ac: AbortController) {}
  async run(_cfg: VsmlModelConfig, rollouts: readonly Rollout[]): Promise<RolloutResult[]> {
    this.calls++;
    this.ac.abort();
    return rollouts.map((r) => ({ logits: new Float64Array(r.episode.length * 10), ce: new Float64Array(r.episode.length).fill(1), correct: new Uint8Array(r.episode.length) }));
  }
  async dispose(): Promise<void> {}
}

const sampler: EpisodeSampler = (rng, length, batch) => {
  const inputs = new Float64Array(length * batch * 784);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.normal();
  return { length, inputs, labels: new Int32Array(length * batch) };
};

test('a stop during a long ES meta-step throws StopRequested between runner calls and leaves θ and Adam as they were', async () => {
  const cfg = toyModel({ layerSizes: [784, 10] });
  const T = 500;
  const perCall = rolloutsPerRunnerCall(cfg, T, 1);
  const pairs = perCall; // 2·pairs rollouts: two runner calls
  const theta = initParams(cfg, new Rng(1, 'init'));
  const before = Float64Array.from(theta);
  const adam = adamInit(theta.length);
  const ac = new AbortController();
  const runner = new AbortingRunner(ac);
  await assert.rejects(esStep(runner, cfg, theta, adam, sampler, 3, 1, opts(pairs, T), ac.signal), StopRequested);
  assert.equal(runner.calls, 1, 'the second batch never ran');
  assert.deepEqual(Array.from(theta), Array.from(before));
  assert.equal(adam.count, 0);

  // Without a stop the same step makes both calls and updates θ.
  const free = new AbortingRunner(new AbortController());
  await esStep(free, cfg, theta, adam, sampler, 3, 1, opts(pairs, T));
  assert.equal(free.calls, 2);
  assert.equal(adam.count, 1);
});
