import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { separableEpisode } from './toy-stream';
import { initMlp, mlpForwardBackward, mlpWorkspace } from '../../../src/engine/baselines/mlp';
import { adamUpdate, runOnlineBaseline } from '../../../src/engine/baselines/online-learner';
import { DEFAULT_ADAM, adamInit, adamStep } from '../../../src/engine/optim/adam';

const windowAcc = (c: Uint8Array, from: number, to: number) => c.subarray(from, to).reduce((a, b) => a + b, 0) / (to - from);

for (const hiddenSize of [0, 16]) {
  for (const optimizer of ['sgd', 'adam'] as const) {
    test(`online ${optimizer} ${hiddenSize ? 'MLP' : 'linear'} accuracy climbs on a separable stream`, () => {
      const ep = separableEpisode(new Rng(1), 300);
      const r = runOnlineBaseline({ hiddenSize, optimizer, lr: optimizer === 'sgd' ? 0.1 : 0.01, tanhBound: 100 }, ep, 6, 3, 1, new Rng(2));
      const early = windowAcc(r.correct, 0, 15);
      const late = windowAcc(r.correct, 200, 300);
      assert.ok(late > 0.85 && late > early + 0.2, `early ${early}, late ${late}`);
      assert.equal(r.logits.length, 300 * 3);
      assert.equal(r.ce.length, 300);
    });
  }
}

test('predicts before learning: step 0 uses the initial weights; deterministic for a seed', () => {
  const ep = separableEpisode(new Rng(3), 10, 2);
  const spec = { hiddenSize: 4, optimizer: 'sgd' as const, lr: 0.5, tanhBound: 0 };
  const r = runOnlineBaseline(spec, ep, 6, 3, 2, new Rng(4));
  const shape = { inputSize: 6, hiddenSize: 4, numClasses: 3, tanhBound: 0 };
  const p0 = initMlp(shape, new Rng(4));
  const logits = new Float64Array(6);
  const ce = new Float64Array(2);
  mlpForwardBackward(shape, p0, ep.inputs, 0, ep.labels, 0, 2, logits, ce, null, mlpWorkspace(shape, 2));
  assert.deepEqual(Array.from(r.logits.subarray(0, 6)), Array.from(logits));
  assert.deepEqual(Array.from(r.ce.subarray(0, 2)), Array.from(ce));
  // step 1 already differs: a step was taken in between
  const again = runOnlineBaseline(spec, ep, 6, 3, 2, new Rng(4));
  assert.deepEqual(again.logits, r.logits);
  const noLearn = runOnlineBaseline({ ...spec, lr: 1e-12 }, ep, 6, 3, 2, new Rng(4));
  assert.notDeepEqual(Array.from(noLearn.logits.subarray(6, 12)), Array.from(r.logits.subarray(6, 12)));
});

test('shape and label errors name the field', () => {
  const ep = separableEpisode(new Rng(3), 4);
  const spec = { hiddenSize: 0, optimizer: 'sgd' as const, lr: 0.1, tanhBound: 0 };
  assert.throws(() => runOnlineBaseline(spec, ep, 5, 3, 1, new Rng(1)), /episode.inputs: must be \[T=4, batch=1, D=5\]/);
  assert.throws(() => runOnlineBaseline(spec, ep, 6, 2, 1, new Rng(1)), /episode.labels\[\d\]/);
  assert.throws(() => runOnlineBaseline({ ...spec, lr: -1 }, ep, 6, 3, 1, new Rng(1)), /baselines.lr/);
  assert.throws(() => runOnlineBaseline({ ...spec, optimizer: 'rmsprop' as never }, ep, 6, 3, 1, new Rng(1)), /baselines.optimizer/);
});

test('the inlined Adam update equals the shared optax-style adamStep', () => {
  const rng = new Rng(9);
  const n = 50;
  const a = new Float64Array(n);
  rng.fillNormal(a);
  const b = Float64Array.from(a);
  const st = adamInit(n);
  const mu = new Float64Array(n);
  const nu = new Float64Array(n);
  for (let k = 1; k <= 5; k++) {
    const g = new Float64Array(n);
    rng.fillNormal(g);
    adamStep(a, g, st, { ...DEFAULT_ADAM, lr: 0.01 });
    adamUpdate(b, g, mu, nu, k, 0.01);
  }
  for (let i = 0; i < n; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-15);
});
