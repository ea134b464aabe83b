import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { initialState } from '../../../src/engine/model/init';
import { Rng } from '../../../src/engine/random';
import { activate, CellRule, teacherEpisode, weightsFromState } from '../../../src/engine/clone/teacher';

const model = (layerSizes: number[]): VsmlModelConfig => ({
  layerSizes, slowSize: 4, msgSize: 2, numMicroTicks: 2, tanhBound: 0, outputIdx: 0, feedLabel: false, layerNorm: false,
  backwardPass: true, initRandProportion: 0.25, layerParamIndex: layerSizes.slice(1).map(() => 0), backwardLayerParamIndex: layerSizes.slice(1).map(() => 1), batchSize: 1,
});

function episode(rng: Rng, T: number, A0: number, C: number) {
  const inputs = new Float64Array(T * A0);
  rng.fillNormal(inputs);
  return { length: T, inputs, labels: Int32Array.from({ length: T }, () => rng.int(C)) };
}

/** CE of the network z_{l+1} = V_lᵀ f(z_l) (V_l = G·U_l/A_l) on one example, the teacher's forward pass written plainly. */
function ce(cfg: VsmlModelConfig, rule: CellRule, U: Float64Array[], x: Float64Array, y: number): number {
  let z = x;
  for (let l = 0; l < U.length; l++) {
    const A = cfg.layerSizes[l];
    const B = cfg.layerSizes[l + 1];
    const out = new Float64Array(B);
    for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out[b] += ((rule.gain * U[l][a * B + b]) / A) * activate(rule.activation, z[a]);
    z = out;
  }
  const max = Math.max(...z);
  return Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) + max - z[y];
}

for (const [name, sizes, activation] of [['shallow (linear)', [5, 3], 'identity'], ['deep (tanh)', [5, 4, 3], 'tanh'], ['deep (sigmoid)', [4, 6, 3], 'sigmoid']] as const) {
  test(`the ${name} teacher's step is online SGD on V_l = G·U_l/A_l with the documented per-layer learning rates (finite differences)`, () => {
    const cfg = model([...sizes]);
    const rule: CellRule = { gain: 3, lr: 0.05, activation };
    const rng = new Rng(7);
    const ep = episode(rng, 3, sizes[0], sizes[sizes.length - 1]);
    const U = weightsFromState(cfg, initialState(cfg, rng), 0).map((w) => w.map(() => rng.normal()));
    // Run two steps, then check the third step's update against -η_l ∂CE/∂V_l.
    teacherEpisode(cfg, rule, { length: 2, inputs: ep.inputs.subarray(0, 2 * sizes[0]), labels: ep.labels.subarray(0, 2) }, U);
    const before = U.map((w) => Float64Array.from(w));
    const x = ep.inputs.subarray(2 * sizes[0], 3 * sizes[0]);
    teacherEpisode(cfg, rule, { length: 1, inputs: x, labels: ep.labels.subarray(2, 3) }, U);
    const L = sizes.length - 1;
    const A0 = sizes[0];
    const C = sizes[L];
    const H = sizes[1];
    // η_l on V_l: one layer λG/A_0; with a hidden layer η_1 = λG/H and η_0 = λG·H/(A_0·C).
    const eta = L === 1 ? [(rule.lr * rule.gain) / A0] : [(rule.lr * rule.gain * H) / (A0 * C), (rule.lr * rule.gain) / H];
    const eps = 1e-6;
    for (let l = 0; l < L; l++) {
      const A = sizes[l];
      for (let k = 0; k < before[l].length; k++) {
        const plus = before.map((w) => Float64Array.from(w));
        const minus = before.map((w) => Float64Array.from(w));
        // a step of eps on V is a step of eps·A/G on U
        plus[l][k] += (eps * A) / rule.gain;
        minus[l][k] -= (eps * A) / rule.gain;
        const dCEdV = (ce(cfg, rule, plus, Float64Array.from(x), ep.labels[2]) - ce(cfg, rule, minus, Float64Array.from(x), ep.labels[2])) / (2 * eps);
        const dV = ((U[l][k] - before[l][k]) * rule.gain) / A;
        assert.ok(Math.abs(dV - -eta[l] * dCEdV) < 1e-7, `layer ${l} weight ${k}: ΔV ${dV} vs -η ∂CE/∂V ${-eta[l] * dCEdV}`);
      }
    }
  });
}

test('the teacher predicts before it learns: the first step is scored with the initial weights', () => {
  const cfg = model([3, 2]);
  const rule: CellRule = { gain: 1, lr: 1, activation: 'identity' };
  const U = [Float64Array.from([1, 0, 1, 0, 1, 0])]; // every input votes for class 0
  const r = teacherEpisode(cfg, rule, { length: 1, inputs: Float64Array.from([1, 1, 1]), labels: Int32Array.from([1]) }, U);
  assert.equal(r.correct[0], 0);
  assert.ok(r.logits[0] > r.logits[1]);
  assert.ok(U[0][0] < 1 && U[0][1] > 0, 'then it moves toward class 1');
});
