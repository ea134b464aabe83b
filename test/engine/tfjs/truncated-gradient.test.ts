import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../../src/engine/errors';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { assertMatchesReferenceDirections, problem } from '../gradient-check-helpers';
import { selectTfjsBackend } from '../../../src/engine/tfjs/backend';
import { episodeLoss, LossType } from '../../../src/engine/tfjs/episode-loss';
import { truncatedEpisodeGradient } from '../../../src/engine/tfjs/truncated-gradient';

/** Two layers (stale backward messages cross slice boundaries), batch 2 (merging), label fed back. */
const DEEP: VsmlModelConfig = {
  layerSizes: [3, 2, 2], slowSize: 4, msgSize: 3, numMicroTicks: 2, tanhBound: 1.5, outputIdx: 1, feedLabel: true,
  layerNorm: true, backwardPass: false, initRandProportion: 0.5, layerParamIndex: [0, 1], backwardLayerParamIndex: [0, 1], batchSize: 2,
};
const BACKWARD: VsmlModelConfig = { ...DEEP, backwardPass: true, backwardLayerParamIndex: [2, 3], batchSize: 1 };

for (const backend of ['cpu', 'wasm'] as const) {
  for (const [name, cfg] of [['deep, batch 2', DEEP], ['deep, backward pass', BACKWARD]] as const) {
    for (const [truncation, lossType] of [[0, 'mean'], [2, 'mean'], [3, 'mean'], [2, 'last']] as const) {
      test(`truncated gradient (${name}, truncation ${truncation}, ${lossType}) matches the float64 reference's slice-wise central differences on ${backend}`, async () => {
        await selectTfjsBackend(backend);
        const p = problem(cfg, 5, 5);
        const before = tf.memory().numTensors;
        const r = truncatedEpisodeGradient(cfg, p.theta, p.episode, p.state, lossType, truncation);
        assert.equal(tf.memory().numTensors, before, 'tensors leaked');

        // The forward figures are the reference's, whatever the truncation.
        const ref = referenceEpisode(cfg, p.theta, p.episode, p.state);
        for (let i = 0; i < ref.ce.length; i++) assert.ok(Math.abs(r.ce[i] - ref.ce[i]) < 1e-4, `ce[${i}] ${r.ce[i]} vs ${ref.ce[i]}`);
        assert.deepEqual([...r.correct], [...ref.correct]);
        const bs = cfg.batchSize;
        const refLoss = lossType === 'mean' ? ref.ce.reduce((a, b) => a + b, 0) / ref.ce.length : ref.ce.subarray(ref.ce.length - bs).reduce((a, b) => a + b, 0) / bs;
        assert.ok(Math.abs(r.loss - refLoss) < 1e-5, `loss ${r.loss} vs reference ${refLoss}`);
        assert.ok(r.peakTapeBytes > 0);

        assertMatchesReferenceDirections(cfg, p, r.grad, lossType, truncation, 2e-3, 1e-5);
      });
    }
  }
}

test('with truncation 0 or >= T the gradient is episodeLoss\'s (exact BPTT), and truncation changes it', async () => {
  await selectTfjsBackend('cpu');
  const p = problem(DEEP, 8, 5);
  const th = tf.tensor1d(Float32Array.from(p.theta));
  const whole = tf.grad((x: tf.Tensor) => episodeLoss(DEEP, x, p.episode, p.state, 'mean'))(th);
  const g = whole.dataSync();
  tf.dispose([th, whole]);
  const scale = Math.max(...Array.from(g, Math.abs));
  for (const truncation of [0, 5, 9]) {
    const r = truncatedEpisodeGradient(DEEP, p.theta, p.episode, p.state, 'mean', truncation);
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(r.grad[i] - g[i]) < 1e-4 * scale, `truncation ${truncation}, grad[${i}] ${r.grad[i]} vs ${g[i]}`);
  }
  const cut = truncatedEpisodeGradient(DEEP, p.theta, p.episode, p.state, 'mean', 1);
  assert.ok(cut.grad.some((x, i) => Math.abs(x - g[i]) > 1e-3 * scale), 'truncation 1 should drop the cross-step paths');
});

test('tape memory grows with the slice, not with the episode', async () => {
  await selectTfjsBackend('cpu');
  const long = problem(DEEP, 9, 24);
  const sliced = truncatedEpisodeGradient(DEEP, long.theta, long.episode, long.state, 'mean', 4).peakTapeBytes;
  const whole = truncatedEpisodeGradient(DEEP, long.theta, long.episode, long.state, 'mean', 0).peakTapeBytes;
  assert.ok(whole > 3 * sliced, `whole-episode tape ${whole} B vs 4-step slices ${sliced} B`);
});

test('truncatedEpisodeGradient rejects bad input with EngineError', async () => {
  await selectTfjsBackend('cpu');
  const p = problem(DEEP, 3, 3);
  assert.throws(() => truncatedEpisodeGradient(DEEP, p.theta, p.episode, p.state, 'mean', -1), (e: unknown) => e instanceof EngineError && e.path === 'optimizer.truncation');
  assert.throws(() => truncatedEpisodeGradient(DEEP, p.theta, p.episode, p.state, 'max' as LossType, 0), (e: unknown) => e instanceof EngineError && e.path === 'training.loss_type');
  assert.throws(() => truncatedEpisodeGradient(DEEP, p.theta.subarray(1), p.episode, p.state, 'mean', 0), (e: unknown) => e instanceof EngineError && e.path === 'theta');
});
