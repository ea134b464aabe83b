import { paramIndices, VsmlModelConfig } from '../../src/engine/model/config';
import { EpisodeSampler } from '../../src/engine/meta/episode-sampler';

/**
 * A 4-input, 2-class task: the class is which half of the input is larger. Tiny, so the float64
 * reference runs a few ES steps in well under a second.
 */
export const toySampler: EpisodeSampler = (rng, length, batch) => {
  const inputs = new Float64Array(length * batch * 4);
  const labels = new Int32Array(length * batch);
  for (let i = 0; i < length * batch; i++) {
    for (let j = 0; j < 4; j++) inputs[i * 4 + j] = rng.normal();
    labels[i] = inputs[i * 4] + inputs[i * 4 + 1] > inputs[i * 4 + 2] + inputs[i * 4 + 3] ? 1 : 0;
  }
  return { length, inputs, labels };
};

/** A one-layer 4→2 VSML network for toySampler. */
export const toyModel = (over: Partial<VsmlModelConfig> = {}): VsmlModelConfig => ({
  layerSizes: [4, 2], slowSize: 4, msgSize: 3, numMicroTicks: 1, tanhBound: 0, outputIdx: 1, feedLabel: false,
  layerNorm: false, backwardPass: false, initRandProportion: 0.5, batchSize: 1, ...paramIndices(1, false, false), ...over,
});
