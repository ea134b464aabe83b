import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import {
  InnerSystem, initialParticles, Particle, sliceLoss, SliceRequest, SliceResult, truncatedEsStep, TruncatedEsSettings, TruncatedEstimator,
} from '../../../src/engine/meta/truncated-es';

// A problem with a known gradient: the scalar recurrence h_{t+1} = a·h_t + x_t from h_0 = 0,
// step loss (h_{t+1})², whole-episode loss L(a) = mean over the T steps; θ = [a].
const T = 20;
const K = 4;
const S = T / K;
const H0 = 0;
const xs = Array.from({ length: T }, (_, t) => 0.2 + 0.1 * Math.sin(t));

/** L(a) and dL/da by forward-mode differentiation through the whole unroll. */
function wholeEpisode(a: number): { loss: number; grad: number } {
  let h = H0;
  let dh = 0;
  let loss = 0;
  let grad = 0;
  for (let t = 0; t < T; t++) {
    dh = h + a * dh;
    h = a * h + xs[t];
    loss += h * h;
    grad += 2 * h * dh;
  }
  return { loss: loss / T, grad: grad / T };
}

/**
 * What truncated ES estimates: each slice's gradient with its start state held fixed (the
 * dependence of the carried state on a is cut), averaged like the slices' losses.
 */
function truncatedGradient(a: number): number {
  let h = H0;
  let g = 0;
  for (let t = 0; t < T; t++) {
    if (t % K === 0) var dh = 0; // eslint-disable-line no-var
    dh = h + a * dh!;
    h = a * h + xs[t];
    g += 2 * h * dh;
  }
  return g / T;
}

const recurrence: InnerSystem<number> = {
  initialState: () => H0,
  meanState: (p, q) => (p + q) / 2,
  async runSlices(reqs: readonly SliceRequest<number>[]): Promise<SliceResult<number>[]> {
    return reqs.map((r) => {
      let h = r.state;
      const losses: number[] = [];
      for (let t = r.start; t < r.start + r.length; t++) {
        h = r.theta[0] * h + xs[t];
        losses.push(h * h);
      }
      return { state: h, loss: sliceLoss(losses, r.start, T, K, 'mean') };
    });
  },
};

/**
 * Mean of the estimator's per-meta-step gradient at a fixed θ = [a] once every particle runs
 * whole episodes, with a standard error from means of blocks of steps (consecutive steps
 * share particles, so single steps are not independent).
 */
async function averageEstimate(estimator: TruncatedEstimator, a: number, steps: number): Promise<{ mean: number; se: number }> {
  const s: TruncatedEsSettings = { length: K, estimator, episodeLength: T, sigma: 1e-3, centeredRanks: false };
  const theta = Float64Array.of(a);
  const particles = initialParticles(2 * S, 1, s, recurrence);
  const grads: number[] = [];
  for (let n = 1; n <= S + steps; n++) {
    const { grad } = await truncatedEsStep(particles, theta, (k) => new Rng(7, `toy-${n}/${k}`), s, recurrence);
    if (n > S) grads.push(grad[0]); // the first S steps hold the staggered, shortened first episodes
  }
  const block = 4 * S;
  const means: number[] = [];
  for (let i = 0; i + block <= grads.length; i += block) means.push(grads.slice(i, i + block).reduce((x, y) => x + y, 0) / block);
  const mean = means.reduce((x, y) => x + y, 0) / means.length;
  const sd = Math.sqrt(means.reduce((x, y) => x + (y - mean) ** 2, 0) / (means.length - 1));
  return { mean, se: sd / Math.sqrt(means.length) };
}

test('the toy gradients: forward mode agrees with finite differences', () => {
  const a = 0.9;
  const fd = (wholeEpisode(a + 1e-6).loss - wholeEpisode(a - 1e-6).loss) / 2e-6;
  assert.ok(Math.abs(fd - wholeEpisode(a).grad) < 1e-6);
  // The truncated gradient is a different number here (the carried state matters at a = 0.9).
  assert.ok(Math.abs(truncatedGradient(a) - wholeEpisode(a).grad) > 0.5 * Math.abs(wholeEpisode(a).grad));
});

test('PES averages to the gradient of the whole-episode loss', async () => {
  const a = 0.9;
  const truth = wholeEpisode(a).grad;
  const { mean, se } = await averageEstimate('pes', a, 4000);
  console.log(`  PES: mean ${mean.toFixed(3)} ± ${se.toFixed(3)} (se), true whole-episode gradient ${truth.toFixed(3)}, truncated gradient ${truncatedGradient(a).toFixed(3)}`);
  assert.ok(Math.abs(mean - truth) < 4 * se, `PES mean ${mean} vs true ${truth} (se ${se})`);
  // The test has power: the standard error is small beside the gap truncation leaves.
  assert.ok(4 * se < Math.abs(truth - truncatedGradient(a)), `se ${se} too large to tell PES from truncated ES`);
});

test('truncated ES averages to the truncated gradient, away from the true one (its known bias)', async () => {
  const a = 0.9;
  const truth = wholeEpisode(a).grad;
  const biased = truncatedGradient(a);
  const { mean, se } = await averageEstimate('truncated', a, 4000);
  console.log(`  truncated ES: mean ${mean.toFixed(3)} ± ${se.toFixed(3)} (se), truncated gradient ${biased.toFixed(3)}, true ${truth.toFixed(3)}`);
  assert.ok(Math.abs(mean - biased) < 4 * se, `truncated ES mean ${mean} vs truncated gradient ${biased} (se ${se})`);
  assert.ok(Math.abs(mean - truth) > 8 * se, `truncated ES mean ${mean} should be biased away from ${truth} (se ${se})`);
});

test('particles start staggered, restart at episode ends and PES noise resets with the episode', async () => {
  const s: TruncatedEsSettings = { length: K, estimator: 'pes', episodeLength: T, sigma: 0.01, centeredRanks: false };
  const particles: Particle<number>[] = initialParticles(7, 1, s, recurrence);
  assert.deepEqual(particles.map((p) => p.t), [0, 4, 8, 12, 16, 0, 4]);
  await truncatedEsStep(particles, Float64Array.of(0.5), (k) => new Rng(1, `a/${k}`), s, recurrence);
  assert.deepEqual(particles.map((p) => [p.episode, p.t]), [[0, 4], [0, 8], [0, 12], [0, 16], [1, 0], [0, 4], [0, 8]]);
  assert.equal(particles[4].xi![0], 0);
  assert.notEqual(particles[0].xi![0], 0);
  assert.equal(particles[4].pos, H0);
});

test('sliceLoss: mean slices sum to T/K times the episode mean; a shorter last slice weighs its steps alike; last counts only the final step', () => {
  const steps = [1, 2, 3, 4, 5, 6, 7];
  const whole = steps.reduce((a, b) => a + b, 0) / 7;
  const sum = sliceLoss(steps.slice(0, 3), 0, 7, 3, 'mean') + sliceLoss(steps.slice(3, 6), 3, 7, 3, 'mean') + sliceLoss(steps.slice(6), 6, 7, 3, 'mean');
  assert.ok(Math.abs(sum - (7 / 3) * whole) < 1e-12);
  assert.equal(sliceLoss(steps.slice(0, 3), 0, 7, 3, 'last'), 0);
  assert.equal(sliceLoss(steps.slice(6), 6, 7, 3, 'last'), 7);
});
