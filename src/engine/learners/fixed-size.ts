import { EngineError } from '../errors';
import { BaselineLearnerConfig } from './learner-config';

/** Sizes of the data a learner meets: flattened input size and number of classes. */
export interface DataSizes {
  readonly inputSize: number;
  readonly numClasses: number;
}

const NAMES: Record<BaselineLearnerConfig['type'], string> = { metarnn: 'MetaRNN', hebbian: 'HebbianFW', fwm: 'FWMemory' };

/**
 * A baseline meta-trained with fixed sizes, fitted to another dataset, by the reference's pad.yaml
 * rules: the input must already have the trained size (pad or resize the images with
 * data.preprocess.pad.input / resize, in image space, so pixels keep their places); a dataset with
 * fewer classes uses the first outputs (its one-hot label padded with zeros, as pad.output does);
 * one with more classes cannot be learned. VSML needs none of this: V_M fits any sizes.
 */
export function fitFixedSize(trained: BaselineLearnerConfig, data: DataSizes, dataset: string, batchSize = trained.batchSize): BaselineLearnerConfig {
  const name = NAMES[trained.type];
  if (data.inputSize !== trained.inputSize)
    throw new EngineError('data.preprocess.pad.input',
      `dataset "${dataset}" gives inputs of ${data.inputSize} values, but the ${name} learner has a fixed input size of ${trained.inputSize}`,
      `pad (or resize) every dataset to the trained image size, e.g. "pad": { "input": [28, 28, 1] } as the reference's pad.yaml`);
  if (data.numClasses > trained.numClasses)
    throw new EngineError('data.preprocess.pad.output',
      `dataset "${dataset}" has ${data.numClasses} classes, but the ${name} learner has ${trained.numClasses} outputs`,
      `meta-train with "pad": { "output": [${data.numClasses}] } or more (the reference's pad.yaml uses [62])`);
  return { ...trained, batchSize };
}
