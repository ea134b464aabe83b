import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { MlpShape, initMlp, mlpForwardBackward, mlpParamCount, mlpWorkspace } from '../../../src/engine/baselines/mlp';

/** Central finite differences of the mean CE against the analytic gradient, every parameter. */
function gradCheck(shape: MlpShape, batch: number, seed: number): number {
  const rng = new Rng(seed);
  const params = initMlp(shape, rng);
  for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal(); // non-zero biases too
  const x = new Float64Array(batch * shape.inputSize);
  rng.fillNormal(x);
  const labels = Int32Array.from({ length: batch }, () => rng.int(shape.numClasses));
  const ws = mlpWorkspace(shape, batch);
  const logits = new Float64Array(batch * shape.numClasses);
  const ce = new Float64Array(batch);
  const grad = new Float64Array(mlpParamCount(shape));
  mlpForwardBackward(shape, params, x, 0, labels, 0, batch, logits, ce, grad, ws);
  const loss = (): number => mlpForwardBackward(shape, params, x, 0, labels, 0, batch, logits, ce, null, ws);
  let worst = 0;
  const h = 1e-6;
  for (let i = 0; i < params.length; i++) {
    const keep = params[i];
    params[i] = keep + h;
    const up = loss();
    params[i] = keep - h;
    const down = loss();
    params[i] = keep;
    const fd = (up - down) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - grad[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grad[i])));
  }
  return worst;
}

test('linear model gradient matches finite differences (with and without tanh bound)', () => {
  assert.ok(gradCheck({ inputSize: 5, hiddenSize: 0, numClasses: 3, tanhBound: 0 }, 1, 1) < 1e-6);
  assert.ok(gradCheck({ inputSize: 5, hiddenSize: 0, numClasses: 3, tanhBound: 1.5 }, 2, 2) < 1e-6);
});

test('one-hidden-layer tanh MLP gradient matches finite differences', () => {
  assert.ok(gradCheck({ inputSize: 4, hiddenSize: 6, numClasses: 3, tanhBound: 0 }, 1, 3) < 1e-6);
  assert.ok(gradCheck({ inputSize: 4, hiddenSize: 6, numClasses: 3, tanhBound: 2 }, 3, 4) < 1e-6);
});

test('hand-computed forward: linear, zero weights give uniform softmax', () => {
  const shape = { inputSize: 2, hiddenSize: 0, numClasses: 4, tanhBound: 0 };
  const params = new Float64Array(mlpParamCount(shape));
  params[8 + 2] = 1; // bias of class 2
  const logits = new Float64Array(4);
  const ce = new Float64Array(1);
  const l = mlpForwardBackward(shape, params, [3, -1], 0, [2], 0, 1, logits, ce, null, mlpWorkspace(shape, 1));
  assert.deepEqual(Array.from(logits), [0, 0, 1, 0]);
  assert.ok(Math.abs(l - (Math.log(3 + Math.E) - 1)) < 1e-12);
});

test('init follows hk.Linear: bounded truncated normal weights, zero biases', () => {
  const shape = { inputSize: 100, hiddenSize: 20, numClasses: 10, tanhBound: 100 };
  const p = initMlp(shape, new Rng(5));
  assert.equal(p.length, 100 * 20 + 20 + 20 * 10 + 10);
  for (let i = 0; i < 2000; i++) assert.ok(Math.abs(p[i]) < 2 / Math.sqrt(100));
  for (let i = 2000; i < 2020; i++) assert.equal(p[i], 0);
  for (let i = 2020; i < 2220; i++) assert.ok(Math.abs(p[i]) < 2 / Math.sqrt(20));
  assert.ok(p.subarray(0, 2000).some((v) => v !== 0));
});
