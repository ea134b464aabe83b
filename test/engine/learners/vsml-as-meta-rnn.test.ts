import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { initParams, initialState } from '../../../src/engine/model/init';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { vsmlLayerAsMetaRnn } from '../../../src/engine/learners/vsml-as-meta-rnn';
import { metaRnnEpisode } from '../../../src/engine/learners/meta-rnn';

function vsmlCfg(A: number, B: number, feedLabel: boolean): VsmlModelConfig {
  return {
    layerSizes: [A, B], slowSize: 4, msgSize: 3, numMicroTicks: 2, tanhBound: 7, outputIdx: 1, feedLabel,
    layerNorm: false, backwardPass: false, initRandProportion: 0, layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1,
  };
}

function episode(A: number, C: number, T: number, rng: Rng) {
  const inputs = new Float64Array(T * A);
  rng.fillNormal(inputs);
  const labels = Int32Array.from({ length: T }, () => rng.int(C));
  return { length: T, inputs, labels };
}

/** θ scaled up so the dynamics are far from linear and the error is large: a loose reduction would show. */
function loudTheta(cfg: VsmlModelConfig, rng: Rng): Float64Array {
  const th = initParams(cfg, rng);
  for (let i = 0; i < th.length; i++) th[i] = th[i] * 3 + 0.3 * rng.normal();
  return th;
}

function assertSameRun(cfg: VsmlModelConfig, seed: number): void {
  const rng = new Rng(seed, 'reduction');
  const theta = loudTheta(cfg, rng);
  const ep = episode(cfg.layerSizes[0], cfg.layerSizes[1], 12, rng);
  const vsml = referenceEpisode(cfg, theta, ep, initialState(cfg, rng));
  const meta = vsmlLayerAsMetaRnn(cfg, theta);
  assert.equal(meta.config.slowSize, cfg.layerSizes[0] * cfg.layerSizes[1] * cfg.slowSize);
  const rnn = metaRnnEpisode(meta.config, meta.theta, ep);
  let spread = 0;
  for (let i = 0; i < vsml.logits.length; i++) spread = Math.max(spread, Math.abs(vsml.logits[i] - vsml.logits[0]));
  assert.ok(spread > 1e-3, 'the logits must move for the comparison to mean something');
  for (let i = 0; i < vsml.logits.length; i++) assert.ok(Math.abs(vsml.logits[i] - rnn.logits[i]) < 1e-12, `logit ${i}: VSML ${vsml.logits[i]} vs Meta RNN ${rnn.logits[i]}`);
  assert.deepEqual(Array.from(rnn.correct), Array.from(vsml.correct));
  for (let i = 0; i < vsml.ce.length; i++) assert.ok(Math.abs(vsml.ce[i] - rnn.ce[i]) < 1e-12);
}

test('a VSML layer of one cell (A = B = 1) runs exactly as a Meta RNN fed the input, the error and the label', () => {
  // With one output the softmax error is 0; the label channel and the input carry the signal.
  assertSameRun(vsmlCfg(1, 1, true), 1);
});

test('a VSML layer equals a Meta RNN whose weight matrix has the shared, block-structured entries', () => {
  assertSameRun(vsmlCfg(3, 2, true), 2);
  assertSameRun(vsmlCfg(2, 3, false), 3);
});

test('the constructed Meta RNN weight matrix is block diagonal in h: no cell reads another cell\'s state', () => {
  const cfg = vsmlCfg(2, 2, true);
  const { config, theta } = vsmlLayerAsMetaRnn(cfg, loudTheta(cfg, new Rng(4, 'x')));
  const H = config.slowSize;
  const N = cfg.slowSize;
  const G = 4 * H;
  const hRow0 = config.inputSize + 2 * config.numClasses;
  for (let from = 0; from < H; from++)
    for (let to = 0; to < H; to++)
      for (let gate = 0; gate < 4; gate++) {
        const w = theta[(hRow0 + from) * G + gate * H + to];
        if (Math.floor(from / N) !== Math.floor(to / N)) assert.equal(w, 0);
      }
});

test('the reduction refuses what it does not cover', () => {
  assert.throws(() => vsmlLayerAsMetaRnn({ ...vsmlCfg(2, 2, true), initRandProportion: 0.5 }, new Float64Array(0)), /init_rand_proportion 0/);
  assert.throws(() => vsmlLayerAsMetaRnn({ ...vsmlCfg(2, 2, true), layerSizes: [2, 3, 2], layerParamIndex: [0, 0], backwardLayerParamIndex: [0, 0] }, new Float64Array(0)), /one dense layer/);
});
