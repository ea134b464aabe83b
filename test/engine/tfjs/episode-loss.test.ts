import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../../src/engine/errors';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { broadcastState } from '../../../src/engine/model/episode';
import { initParams, initialState } from '../../../src/engine/model/init';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { Rng } from '../../../src/engine/random';
import { selectTfjsBackend } from '../../../src/engine/tfjs/backend';
import { episodeLoss, LossType } from '../../../src/engine/tfjs/episode-loss';

/** Tiny, but with every option that changes the gradient's paths switched on. */
const CFG: VsmlModelConfig = {
  layerSizes: [3, 2, 2], slowSize: 4, msgSize: 3, numMicroTicks: 2, tanhBound: 1.5, outputIdx: 1, feedLabel: true,
  layerNorm: true, backwardPass: true, initRandProportion: 0.5, layerParamIndex: [0, 1], backwardLayerParamIndex: [2, 3], batchSize: 2,
};
const PLAIN: VsmlModelConfig = { ...CFG, layerSizes: [4, 3], tanhBound: 0, outputIdx: 0, layerNorm: false, backwardPass: false, layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1 };

function problem(cfg: VsmlModelConfig, seed: number) {
  const rng = new Rng(seed);
  const theta = initParams(cfg, rng);
  for (let i = 0; i < theta.length; i++) theta[i] += 1.0 * rng.normal(); // high gain: the i gate opens, every path matters
  const T = 4;
  const inputs = new Float64Array(T * cfg.batchSize * cfg.layerSizes[0]);
  rng.fillNormal(inputs);
  const C = cfg.layerSizes[cfg.layerSizes.length - 1];
  const episode = { length: T, inputs, labels: Int32Array.from({ length: T * cfg.batchSize }, () => rng.int(C)) };
  return { theta, episode, state: broadcastState(initialState(cfg, rng), cfg.batchSize) };
}

/** The loss of the float64 reference: mean CE over steps and batch, or the last step's batch mean. */
function referenceLoss(cfg: VsmlModelConfig, theta: Float64Array, p: ReturnType<typeof problem>, lossType: LossType): number {
  const { ce } = referenceEpisode(cfg, theta, p.episode, p.state);
  const bs = cfg.batchSize;
  const from = lossType === 'mean' ? 0 : ce.length - bs;
  let s = 0;
  for (let i = from; i < ce.length; i++) s += ce[i];
  return s / (ce.length - from);
}

for (const backend of ['cpu', 'wasm'] as const) {
  for (const [name, cfg, lossType] of [['deep, LN, backward pass, batch 2', CFG, 'mean'], ['deep, LN, backward pass, batch 2', CFG, 'last'], ['single layer', PLAIN, 'mean']] as const) {
    test(`tf.grad of episodeLoss (${name}, ${lossType}) matches central differences of the float64 reference on ${backend}`, async () => {
      await selectTfjsBackend(backend);
      const p = problem(cfg, 11);
      const before = tf.memory().numTensors;
      const th = tf.tensor1d(Float32Array.from(p.theta));
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => episodeLoss(cfg, x, p.episode, p.state, lossType))(th);
      const g = grad.dataSync();
      const loss = value.dataSync()[0];
      tf.dispose([th, value, grad]);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');

      const ref = referenceLoss(cfg, p.theta, p, lossType);
      assert.ok(Math.abs(loss - ref) < 1e-5 * Math.max(1, Math.abs(ref)), `loss ${loss} vs reference ${ref}`);
      // Central differences along 3 random directions and 40 random coordinates (a full
      // per-coordinate sweep costs 2·D reference episodes; these catch a wrong path just as well).
      const h = 1e-5;
      const rng = new Rng(99);
      const fdAlong = (v: Float64Array): number => {
        const up = p.theta.map((x, i) => x + h * v[i]);
        const down = p.theta.map((x, i) => x - h * v[i]);
        return (referenceLoss(cfg, up, p, lossType) - referenceLoss(cfg, down, p, lossType)) / (2 * h);
      };
      let maxErr = 0;
      let maxGrad = 0;
      for (let k = 0; k < 3; k++) {
        const v = new Float64Array(p.theta.length);
        rng.fillNormal(v);
        let gv = 0;
        for (let i = 0; i < v.length; i++) gv += g[i] * v[i];
        const fd = fdAlong(v);
        assert.ok(Math.abs(fd - gv) < 1e-3 * Math.abs(fd) + 1e-5, `direction ${k}: fd ${fd} vs grad·v ${gv}`);
      }
      for (let k = 0; k < 40; k++) {
        const i = rng.int(p.theta.length);
        const e = new Float64Array(p.theta.length);
        e[i] = 1;
        const fd = fdAlong(e);
        maxErr = Math.max(maxErr, Math.abs(fd - g[i]));
        maxGrad = Math.max(maxGrad, Math.abs(fd));
      }
      assert.ok(maxGrad > 1e-4, `the gradient should not vanish here (max ${maxGrad})`);
      assert.ok(maxErr < 1e-3 * maxGrad + 1e-6, `max |fd - grad| = ${maxErr}, max |grad| = ${maxGrad}`);
    });
  }
}

test('episodeLoss rejects bad input with EngineError', async () => {
  await selectTfjsBackend('cpu');
  const p = problem(PLAIN, 3);
  const nan = Float32Array.from(p.theta);
  nan[2] = NaN;
  assert.throws(() => episodeLoss(PLAIN, tf.tensor1d(nan), p.episode, p.state, 'mean'), (e: unknown) => e instanceof EngineError && e.path === 'theta[2]');
  assert.throws(() => episodeLoss(PLAIN, tf.tensor1d(Float32Array.from(p.theta).subarray(1)), p.episode, p.state, 'mean'), (e: unknown) => e instanceof EngineError && e.path === 'theta');
  assert.throws(() => episodeLoss(PLAIN, tf.tensor2d(Float32Array.from(p.theta), [1, p.theta.length]), p.episode, p.state, 'mean'), (e: unknown) => e instanceof EngineError && e.path === 'theta');
  assert.throws(() => episodeLoss(PLAIN, tf.tensor1d(Float32Array.from(p.theta)), p.episode, p.state, 'max' as LossType), (e: unknown) => e instanceof EngineError && e.path === 'training.loss_type');
  assert.throws(() => episodeLoss(PLAIN, tf.tensor1d(Float32Array.from(p.theta)), { ...p.episode, labels: Int32Array.from(p.episode.labels, () => 9) }, p.state, 'mean'),
    (e: unknown) => e instanceof EngineError && e.path === 'episode.labels[0]');
});
