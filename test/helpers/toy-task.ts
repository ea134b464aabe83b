import { EpisodeSampler } from '../../src/engine/meta/episode-sampler';
import { paramIndices, VsmlModelConfig } from '../../src/engine/model/config';

/**
 * A 4-input, 2-class task: the class is which half of the input is larger. Tiny, so the float64
 * reference runs a few meta-steps in well under a second.
 */
export const halvesSampler: EpisodeSampler = (rng, length, batch) => {
  const inputs = new Float64Array(length * batch * 4);
  const labels = new Int32Array(length * batch);
  for (let i = 0; i < length * batch; i++) {
    for (let j = 0; j < 4; j++) inputs[i * 4 + j] = rng.normal();
    labels[i] = inputs[i * 4] + inputs[i * 4 + 1] > inputs[i * 4 + 2] + inputs[i * 4 + 3] ? 1 : 0;
  }
  return { length, inputs, labels };
};

/** The smallest network for it: one layer 4 -> 2, N=4, M=3. */
export const toyModel: VsmlModelConfig = {
  layerSizes: [4, 2], slowSize: 4, msgSize: 3, numMicroTicks: 1, tanhBound: 0, outputIdx: 1, feedLabel: false,
  layerNorm: false, backwardPass: false, initRandProportion: 0.5, batchSize: 1, ...paramIndices(1, false, false),
};
