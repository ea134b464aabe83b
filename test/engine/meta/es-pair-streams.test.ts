import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { initParams } from '../../../src/engine/model/init';
import { adamInit } from '../../../src/engine/optim/adam';
import { Rng } from '../../../src/engine/random';
import { esStep, esUpdate, evaluatePairs, EsOptions, pairNoise, pairRng, stepEpisodeLength } from '../../../src/engine/meta/es-step';
import { toyModel, toySampler } from '../../helpers/toy-task';

const cfg = toyModel();
const opt: EsOptions = { pairs: 5, sigma: 0.1, episodeLength: 6, lossType: 'mean', centeredRanks: true, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } };

test('ES pairs come from streams of (seed, step, pair): any split of the pairs into ranges gives the same outcomes, and the step equals esStep', async () => {
  const runner = new ReferenceRunner();
  const theta = initParams(cfg, new Rng(1, 'init'));
  const range = { seed: 9, step: 3, T: 6 };
  const all = await evaluatePairs(runner, cfg, theta, toySampler, { ...range, k0: 0, k1: 5 }, opt);
  const split = [
    ...(await evaluatePairs(runner, cfg, theta, toySampler, { ...range, k0: 0, k1: 2 }, opt)),
    ...(await evaluatePairs(runner, cfg, theta, toySampler, { ...range, k0: 2, k1: 3 }, opt)),
    ...(await evaluatePairs(runner, cfg, theta, toySampler, { ...range, k0: 3, k1: 5 }, opt)),
  ];
  assert.deepEqual(split, all);
  assert.equal(all.length, 5);
  for (const o of all) {
    assert.ok(o.lossPos !== o.lossNeg, 'θ+σε and θ-σε differ');
    assert.equal(o.count, 2 * 6);
  }
  // Pair 4 alone equals pair 4 of the whole population: it does not depend on pairs 0..3.
  assert.deepEqual(await evaluatePairs(runner, cfg, theta, toySampler, { ...range, k0: 4, k1: 5 }, opt), [all[4]]);

  const viaUpdate = Float64Array.from(theta);
  const r1 = esUpdate(viaUpdate, adamInit(theta.length), all, 9, 3, opt);
  const viaStep = Float64Array.from(theta);
  const r2 = await esStep(runner, cfg, viaStep, adamInit(theta.length), toySampler, 9, 3, opt);
  assert.deepEqual(r1, r2);
  assert.deepEqual(viaUpdate, viaStep);
  assert.notDeepEqual(viaStep, theta);
});

test('pairNoise is the first draws of the pair stream, different per pair and per step; the episode length comes from the step stream', () => {
  const e = pairNoise(1, 2, 3, 4);
  const rng = pairRng(1, 2, 3);
  assert.deepEqual(Array.from(e), [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  assert.notDeepEqual(pairNoise(1, 2, 4, 4), e);
  assert.notDeepEqual(pairNoise(1, 3, 3, 4), e);
  const lengths = new Set(Array.from({ length: 20 }, (_, s) => stepEpisodeLength(1, s + 1, { episodeLength: 9, episodeLengths: [5, 7] })));
  assert.deepEqual([...lengths].sort(), [5, 7]);
  assert.equal(stepEpisodeLength(1, 1, { episodeLength: 9 }), 9);
});
