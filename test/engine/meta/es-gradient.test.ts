import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_FIXTURES } from '../../helpers/paths';
import { flattenTensor, modelConfigFromFixture, statesFromJson } from '../../../src/engine/fixtures/fixture';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { esGradient, perturb, episodeLoss, centeredRanks } from '../../../src/engine/meta/es-gradient';
import { adamInit, adamStep } from '../../../src/engine/optim/adam';
import { Rng } from '../../../src/engine/random';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('two ES + Adam iterations reproduce fixture e_es_adam to 1e-9', () => {
  const file = join(SHARED_FIXTURES, 'e_es_adam.json');
  const fx = JSON.parse(readFileSync(file, 'utf8'));
  const cfg = modelConfigFromFixture(fx.config, file);
  const es = fx.es;
  const theta = Float64Array.from(fx.theta0 as number[]);
  assert.equal(theta.length, fx.param_layout.D);
  const adam = adamInit(theta.length);
  for (const [k, step] of (fx.steps as any[]).entries()) {
    const eps = flattenTensor(step.eps, `steps[${k}].eps`, file);
    const D = theta.length;
    const pairs = (step.episodes as any[]).map((ep, p) => {
      const e = eps.slice(p * D, (p + 1) * D);
      const episode = { length: ep.labels.length, inputs: flattenTensor(ep.inputs, 'inputs', file), labels: Int32Array.from(ep.labels) };
      const state = statesFromJson(cfg, ep.initial_state, 'initial_state', file);
      const [plus, minus] = perturb(theta, e, es.sigma);
      const lossPos = episodeLoss(referenceEpisode(cfg, plus, episode, state).ce, 1, es.loss_type);
      const lossNeg = episodeLoss(referenceEpisode(cfg, minus, episode, state).ce, 1, es.loss_type);
      return { eps: e, lossPos, lossNeg };
    });
    const exp = step.expected;
    assert.ok(maxDiff(pairs.map((p) => p.lossPos), exp.loss_pos) < 1e-9);
    assert.ok(maxDiff(pairs.map((p) => p.lossNeg), exp.loss_neg) < 1e-9);
    const metaLoss = pairs.reduce((s, p) => s + (p.lossPos + p.lossNeg) / 2, 0) / pairs.length;
    assert.ok(Math.abs(metaLoss - exp.meta_loss) < 1e-9);
    const g = esGradient(pairs, es.sigma, false);
    assert.ok(maxDiff(g, exp.grad) < 1e-9, `grad err ${maxDiff(g, exp.grad)}`);
    adamStep(theta, g, adam, { lr: es.lr, b1: es.b1, b2: es.b2, eps: es.adam_eps, clipGradNorm: 0 });
    assert.equal(adam.count, exp.adam_count);
    assert.ok(maxDiff(adam.mu, exp.adam_mu) < 1e-12);
    assert.ok(maxDiff(adam.nu, exp.adam_nu) < 1e-15);
    assert.ok(maxDiff(theta, exp.theta_after) < 1e-9, `theta err ${maxDiff(theta, exp.theta_after)}`);
  }
});

test('centered ranks span [-0.5, 0.5] and keep the order', () => {
  assert.deepEqual(centeredRanks([3, 1, 2]), [0.5, -0.5, 0]);
  assert.deepEqual(centeredRanks([5]), [0]);
});

test('episode loss: mean over all steps, or the last step averaged over the batch', () => {
  const ce = [1, 2, 3, 5]; // [T=2, batch=2]
  assert.equal(episodeLoss(ce, 2, 'mean'), 2.75);
  assert.equal(episodeLoss(ce, 2, 'last'), 4);
});

test('ES on a quadratic whose optimum is known converges to it', () => {
  // L(θ) = |θ - θ*|²: the antithetic estimate is unbiased for ∇L = 2(θ - θ*).
  const rng = new Rng(7);
  const target = Float64Array.from([1.5, -2, 0.25, 3]);
  const theta = new Float64Array(4);
  const adam = adamInit(4);
  const loss = (t: Float64Array): number => t.reduce((s, v, i) => s + (v - target[i]) ** 2, 0);
  for (let it = 0; it < 600; it++) {
    const pairs = Array.from({ length: 16 }, () => {
      const eps = new Float64Array(4);
      rng.fillNormal(eps);
      const [p, m] = perturb(theta, eps, 0.1);
      return { eps, lossPos: loss(p), lossNeg: loss(m) };
    });
    adamStep(theta, esGradient(pairs, 0.1, it % 2 === 0), adam, { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 });
  }
  assert.ok(maxDiff(theta, target) < 0.05, `theta ${Array.from(theta)} target ${Array.from(target)}`);
});
