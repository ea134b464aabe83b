import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { Rollout, RolloutRunner, RolloutResult } from '../../../src/engine/model/rollout-runner';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { adamInit } from '../../../src/engine/optim/adam';
import { initParams } from '../../../src/engine/model/init';
import { Rng } from '../../../src/engine/random';
import { esStep, EsOptions } from '../../../src/engine/meta/es-step';
import { EpisodeSampler, modelForEpisode, requireRunShape } from '../../../src/engine/meta/episode-sampler';
import { episodeLoss } from '../../../src/engine/meta/es-gradient';
import { toyModel } from '../../helpers/toy-task';

/** The reference runner, recording the network of every call. */
class Recording implements RolloutRunner {
  readonly name = 'recording';
  readonly backend = 'float64';
  readonly precision = 'float64' as const;
  readonly threads = 1;
  readonly calls: { sizes: string; rollouts: readonly Rollout[] }[] = [];
  private readonly inner = new ReferenceRunner();
  run(cfg: VsmlModelConfig, rollouts: readonly Rollout[]): Promise<RolloutResult[]> {
    this.calls.push({ sizes: cfg.layerSizes.join('x'), rollouts });
    return this.inner.run(cfg, rollouts);
  }
  async dispose(): Promise<void> {}
}

/** Episodes of two tasks: 4 inputs / 2 classes (the run's network) and 6 inputs / 3 classes. */
const twoSizes: EpisodeSampler = (rng, length, batch) => {
  const big = rng.uniform() < 0.5;
  const [D, C] = big ? [6, 3] : [4, 2];
  const inputs = new Float64Array(length * batch * D).map(() => rng.normal());
  const labels = new Int32Array(length * batch).map(() => rng.int(C));
  return { length, inputs, labels, ...(big ? { shape: { inputSize: D, numClasses: C } } : {}) };
};

const OPT: EsOptions = { pairs: 6, sigma: 0.05, episodeLength: 5, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } };

test('one ES step combines episodes of different network sizes: one runner call per size, each pair scored on its own network', async () => {
  const cfg = toyModel();
  const theta = initParams(cfg, new Rng(1));
  const runner = new Recording();
  const res = await esStep(runner, cfg, theta.slice(), adamInit(theta.length), twoSizes, 2, 1, OPT);
  assert.deepEqual(runner.calls.map((c) => c.sizes).sort(), ['4x2', '6x3']);
  assert.equal(runner.calls.reduce((n, c) => n + c.rollouts.length, 0), 2 * OPT.pairs);
  // Re-score every rollout alone on the network its episode needs: the step's loss is their mean.
  let total = 0;
  for (const c of runner.calls) {
    for (const r of c.rollouts) {
      const model = modelForEpisode(cfg, r.episode);
      assert.equal(model.layerSizes.join('x'), c.sizes);
      const [one] = await new ReferenceRunner().run(model, [r]);
      total += episodeLoss(one.ce, 1, 'mean');
    }
  }
  assert.ok(Math.abs(res.metaLoss - total / (2 * OPT.pairs)) < 1e-12, `${res.metaLoss} vs ${total / (2 * OPT.pairs)}`);
  assert.ok(Number.isFinite(res.gradNorm) && res.gradNorm > 0);
});

test('episodes of one size run exactly as before: the run\'s network, one call', async () => {
  const cfg = toyModel();
  const runner = new Recording();
  const oneSize: EpisodeSampler = (rng, length, batch) => ({ length, inputs: new Float64Array(length * batch * 4).map(() => rng.normal()), labels: new Int32Array(length * batch) });
  await esStep(runner, cfg, initParams(cfg, new Rng(1)), adamInit(initParams(cfg, new Rng(1)).length), oneSize, 2, 1, OPT);
  assert.deepEqual(runner.calls.map((c) => c.sizes), ['4x2']);
});

test('optimizers that run one network size refuse an episode of another size, saying what supports it', () => {
  const cfg = toyModel();
  assert.doesNotThrow(() => requireRunShape(cfg, { length: 1, inputs: new Float64Array(4), labels: new Int32Array(1), shape: { inputSize: 4, numClasses: 2 } }, 'x'));
  assert.throws(() => requireRunShape(cfg, { length: 1, inputs: new Float64Array(6), labels: new Int32Array(1), shape: { inputSize: 6, numClasses: 3 } }, 'truncated/persistent ES'),
    /truncated\/persistent ES runs one network size, but an episode needs 6 inputs and 3 outputs.*whole-episode ES/);
});
