import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toModelConfig } from '../../../src/engine/config/to-model-config';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { numParamSets } from '../../../src/engine/model/config';
import { EngineError } from '../../../src/engine/errors';
import type { ExperimentConfig } from '../../../src/engine/config/types';

function resolved(value: object): ExperimentConfig {
  const r = validateConfigValue(value, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  return r.config;
}

test('the default config maps to one dense layer with the reference\'s dynamics', () => {
  const m = toModelConfig(resolved({}), 10, 49);
  assert.deepEqual(m, {
    layerSizes: [49, 10], slowSize: 16, msgSize: 8, numMicroTicks: 2, tanhBound: 100, outputIdx: 1,
    feedLabel: false, layerNorm: false, backwardPass: false, initRandProportion: 0.5,
    layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1,
  });
});

test('deep, layerwise, separate backward RNN: sizes chain and param sets are indexed', () => {
  const cfg = resolved({
    training: { batch_size: 4 },
    model: {
      sub_rnn: { layer_norm: true, msg_size: 6, slow_size: 5 },
      vsml_rnn: { layer_specs: [{ type: 'dense', out_size: 32 }, { type: 'dense', out_size: 16 }, { type: 'dense' }],
        layerwise_rnns: true, backward_pass: true, separate_backward_rnn: true, feed_label: true, output_idx: 2, num_micro_ticks: 3, tanh_bound: 0.5 },
    },
  });
  const m = toModelConfig(cfg, 10, 784);
  assert.deepEqual(m.layerSizes, [784, 32, 16, 10]);
  assert.deepEqual(m.layerParamIndex, [0, 1, 2]);
  assert.deepEqual(m.backwardLayerParamIndex, [3, 4, 5]);
  assert.equal(numParamSets(m), 6);
  assert.equal(m.batchSize, 4);
  assert.equal(toModelConfig(cfg, 10, 784, { batchSize: 1 }).batchSize, 1);
  assert.equal(m.layerNorm && m.feedLabel && m.backwardPass, true);
  assert.equal(m.outputIdx, 2);
  assert.equal(m.numMicroTicks, 3);
  assert.equal(m.tanhBound, 0.5);
});

test('separate_backward_rnn without backward_pass adds no param sets (as in the reference)', () => {
  const m = toModelConfig(resolved({ model: { vsml_rnn: { separate_backward_rnn: true } } }), 10, 49);
  assert.equal(numParamSets(m), 1);
});

test('sizes that do not fit are EngineErrors naming the field', () => {
  const bad = resolved({});
  bad.model.vsml_rnn.layer_specs = [{ type: 'dense' }, { type: 'dense' }];
  assert.throws(() => toModelConfig(bad, 10, 49), (e: unknown) => e instanceof EngineError && e.path === 'model.vsml_rnn.layer_specs[0].out_size');
  const mism = resolved({});
  mism.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 5 }];
  assert.throws(() => toModelConfig(mism, 10, 49), (e: unknown) => e instanceof EngineError && /out_size/.test(e.path));
  assert.throws(() => toModelConfig(resolved({}), 10, 0), (e: unknown) => e instanceof EngineError);
});
