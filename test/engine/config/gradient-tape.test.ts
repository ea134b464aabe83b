import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeTapeBytes, tfjsTapeBytes } from '../../../src/engine/config/gradient-tape';
import { loadGradientKernel } from '../../../src/engine/kernel/native-gradient';
import { kernelConfigInts } from '../../../src/engine/kernel/kernel-abi';
import { VsmlModelConfig } from '../../../src/engine/model/config';

const DEFAULT_49x10 = { layerSizes: [49, 10], slowSize: 16, msgSize: 8, numMicroTicks: 2, backwardPass: false, batchSize: 1 };

test('the default 49x10 network keeps 0.94 MB of tape per inner step (README), by hand', () => {
  // 490 cells x N=16 = 7840; (49 + 10) x 8 messages + 2 ticks x 7 x 7840 + 7840 = 118072; + 2 x 10 for the loss
  assert.equal(nativeTapeBytes(DEFAULT_49x10, 1), (118072 + 20) * 8);
  assert.equal(nativeTapeBytes(DEFAULT_49x10, 50), 50 * 944736);
  assert.equal(tfjsTapeBytes(DEFAULT_49x10, 1), 4.2 * 944736);
});

const { kernel, reason } = loadGradientKernel();
test('the estimate equals the addon\'s own gradTapeBytes (native/vsml-grad.c)', { skip: kernel ? false : `native kernel reverse pass not available: ${reason}` }, () => {
  const base: VsmlModelConfig = {
    layerSizes: [5, 4, 3], slowSize: 4, msgSize: 3, numMicroTicks: 3, tanhBound: 0, outputIdx: 1, feedLabel: true, layerNorm: false,
    backwardPass: true, initRandProportion: 0.5, layerParamIndex: [0, 1], backwardLayerParamIndex: [2, 3], batchSize: 2,
  };
  for (const cfg of [base, { ...base, backwardPass: false, backwardLayerParamIndex: [0, 1], batchSize: 1, numMicroTicks: 2 }]) {
    for (const slice of [1, 7]) {
      assert.equal(nativeTapeBytes(cfg, slice), kernel!.gradTapeBytes(kernelConfigInts(cfg, 10), slice), `${JSON.stringify(cfg.layerSizes)} bwd ${cfg.backwardPass} slice ${slice}`);
    }
  }
});
