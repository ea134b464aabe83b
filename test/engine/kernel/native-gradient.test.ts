import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../../src/engine/errors';
import { loadGradientKernel, nativeEpisodeGradient, nativeGradientUnsupported } from '../../../src/engine/kernel/native-gradient';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { selectTfjsBackend } from '../../../src/engine/tfjs/backend';
import { LossType } from '../../../src/engine/tfjs/episode-loss';
import { truncatedEpisodeGradient } from '../../../src/engine/tfjs/truncated-gradient';
import { assertMatchesReferenceDirections, problem } from '../gradient-check-helpers';

const { kernel, reason } = loadGradientKernel();
const skip = kernel ? false : `native kernel reverse pass not available: ${reason}`;

/** One layer, batch 1, two micro ticks, bounded logits: the default experiment's shape, tiny. */
const SHALLOW: VsmlModelConfig = {
  layerSizes: [4, 3], slowSize: 5, msgSize: 3, numMicroTicks: 2, tanhBound: 2, outputIdx: 1, feedLabel: false,
  layerNorm: false, backwardPass: false, initRandProportion: 0.5, layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1,
};
/** Two layers (stale backward messages), batch 2 (state merge), label fed back, three micro ticks, unbounded logits. */
const DEEP: VsmlModelConfig = {
  layerSizes: [3, 2, 2], slowSize: 4, msgSize: 3, numMicroTicks: 3, tanhBound: 0, outputIdx: 2, feedLabel: true,
  layerNorm: false, backwardPass: false, initRandProportion: 0.5, layerParamIndex: [0, 1], backwardLayerParamIndex: [0, 1], batchSize: 2,
};
/** Layerwise sets with separate backward sets and the backward tick. */
const BACKWARD: VsmlModelConfig = { ...DEEP, numMicroTicks: 2, tanhBound: 1.5, backwardPass: true, backwardLayerParamIndex: [2, 3], batchSize: 1 };

/** The tiny problem with float32-exact inputs (the kernel reads inputs as float32), so float64 checks are tight. */
function f32Problem(cfg: VsmlModelConfig, seed: number, T: number): ReturnType<typeof problem> {
  const p = problem(cfg, seed, T);
  return { ...p, episode: { ...p.episode, inputs: Float64Array.from(Float32Array.from(p.episode.inputs)) } };
}

const CASES = [['shallow', SHALLOW], ['deep, batch 2', DEEP], ['deep, backward pass', BACKWARD]] as const;
const SLICING = [[0, 'mean'], [2, 'mean'], [3, 'last'], [0, 'last']] as const;

for (const [name, cfg] of CASES) {
  for (const [truncation, lossType] of SLICING) {
    test(`kernel reverse pass (${name}, truncation ${truncation}, ${lossType}) matches the float64 reference's central differences`, { skip }, () => {
      const p = f32Problem(cfg, 5, 5);
      const r = nativeEpisodeGradient(kernel!, cfg, p.theta, p.episode, p.state, lossType, truncation);
      const ref = referenceEpisode(cfg, p.theta, p.episode, p.state);
      for (let i = 0; i < ref.ce.length; i++) assert.ok(Math.abs(r.ce[i] - ref.ce[i]) < 1e-9, `ce[${i}] ${r.ce[i]} vs ${ref.ce[i]}`);
      assert.deepEqual([...r.correct], [...ref.correct]);
      // Central differences with h = 1e-5 in float64: error ~1e-9 relative; the gradient itself is float64.
      assertMatchesReferenceDirections(cfg, p, r.grad, lossType, truncation, 1e-6, 1e-8);
    });

    test(`kernel reverse pass (${name}, truncation ${truncation}, ${lossType}) equals TensorFlow.js autodiff to float32 tolerance`, { skip }, async () => {
      await selectTfjsBackend('cpu');
      const p = f32Problem(cfg, 7, 5);
      const nat = nativeEpisodeGradient(kernel!, cfg, p.theta, p.episode, p.state, lossType, truncation);
      const tfj = truncatedEpisodeGradient(cfg, p.theta, p.episode, p.state, lossType, truncation);
      const scale = Math.max(...Array.from(tfj.grad, Math.abs));
      assert.ok(scale > 1e-3, `the gradient should not vanish here (max ${scale})`);
      for (let i = 0; i < tfj.grad.length; i++) assert.ok(Math.abs(nat.grad[i] - tfj.grad[i]) < 1e-4 * scale, `grad[${i}] ${nat.grad[i]} vs tfjs ${tfj.grad[i]}`);
      assert.ok(Math.abs(nat.loss - tfj.loss) < 1e-5 * Math.max(1, tfj.loss), `loss ${nat.loss} vs tfjs ${tfj.loss}`);
      assert.deepEqual([...nat.correct], [...tfj.correct]);
    });
  }
}

test('kernel reverse pass: the tape is per slice (grows with the truncation, not the episode)', { skip }, () => {
  const p = f32Problem(DEEP, 9, 24);
  const sliced = nativeEpisodeGradient(kernel!, DEEP, p.theta, p.episode, p.state, 'mean', 4).peakTapeBytes;
  const whole = nativeEpisodeGradient(kernel!, DEEP, p.theta, p.episode, p.state, 'mean', 0).peakTapeBytes;
  assert.equal(whole, 6 * sliced);
});

test('kernel reverse pass refuses layer norm and bad input with EngineError', { skip }, () => {
  const ln = { ...DEEP, layerNorm: true };
  assert.match(nativeGradientUnsupported(ln) ?? '', /layer_norm/);
  assert.equal(nativeGradientUnsupported(DEEP), undefined);
  const p = problem(ln, 3, 3);
  assert.throws(() => nativeEpisodeGradient(kernel!, ln, p.theta, p.episode, p.state, 'mean', 0), (e: unknown) => e instanceof EngineError && e.path === 'engine.gradient');
  const q = problem(DEEP, 3, 3);
  assert.throws(() => nativeEpisodeGradient(kernel!, DEEP, q.theta, q.episode, q.state, 'mean', -1), (e: unknown) => e instanceof EngineError && e.path === 'optimizer.truncation');
  assert.throws(() => nativeEpisodeGradient(kernel!, DEEP, q.theta, q.episode, q.state, 'max' as LossType, 0), (e: unknown) => e instanceof EngineError && e.path === 'training.loss_type');
  assert.throws(() => nativeEpisodeGradient(kernel!, DEEP, q.theta.subarray(1), q.episode, q.state, 'mean', 0), (e: unknown) => e instanceof EngineError && e.path === 'theta');
});
