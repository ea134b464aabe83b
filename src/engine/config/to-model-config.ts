import { check } from '../errors';
import { VsmlModelConfig, paramIndices, validateModelConfig } from '../model/config';
import { ExperimentConfig } from './types';

export interface ToModelOptions {
  /** Examples per inner step; defaults to training.batch_size (pass evaluation.batch_size for evaluation). */
  readonly batchSize?: number;
}

/**
 * The engine's model config for one dataset shape: layer sizes [A_0, hidden..., A_L] from the
 * layer specs, `inputSize` (A_0 after preprocessing) and `numClasses` (A_L: the label size after
 * filter_classes and pad.output), and param-set indices from layerwise_rnns /
 * separate_backward_rnn. Throws an EngineError naming the config field when the sizes do not fit.
 */
export function toModelConfig(cfg: ExperimentConfig, numClasses: number, inputSize: number, options: ToModelOptions = {}): VsmlModelConfig {
  check(Number.isInteger(inputSize) && inputSize >= 1, 'data.preprocess', `input size must be a positive integer, got ${inputSize}`,
    'check data.preprocess.resize / pad.input');
  check(Number.isInteger(numClasses) && numClasses >= 1, 'data.preprocess.pad.output', `number of classes must be a positive integer, got ${numClasses}`,
    'check data.filter_classes / pad.output');
  const specs = cfg.model.vsml_rnn.layer_specs;
  check(specs.length >= 1, 'model.vsml_rnn.layer_specs', 'needs at least one layer', 'use [{ "type": "dense" }]');
  const hidden = specs.slice(0, -1).map((s, i) => {
    check(s.out_size !== undefined, `model.vsml_rnn.layer_specs[${i}].out_size`,
      `layer ${i} has no out_size, so layer ${i + 1} has no input size`, 'add "out_size": <hidden units> to every layer but the last');
    return s.out_size;
  });
  const last = specs[specs.length - 1].out_size;
  check(last === undefined || last === numClasses, `model.vsml_rnn.layer_specs[${specs.length - 1}].out_size`,
    `is ${last}, but the data has ${numClasses} outputs`, 'remove out_size from the last layer');

  const vr = cfg.model.vsml_rnn;
  const sub = cfg.model.sub_rnn;
  const layerSizes = [inputSize, ...hidden, numClasses]; // [A_0, ..., A_L]
  const idx = paramIndices(specs.length, vr.layerwise_rnns, vr.separate_backward_rnn && vr.backward_pass);
  const model: VsmlModelConfig = {
    layerSizes,
    slowSize: sub.slow_size,
    msgSize: sub.msg_size,
    numMicroTicks: vr.num_micro_ticks,
    tanhBound: vr.tanh_bound,
    outputIdx: vr.output_idx,
    feedLabel: vr.feed_label,
    layerNorm: sub.layer_norm,
    backwardPass: vr.backward_pass,
    initRandProportion: sub.init_rand_proportion,
    layerParamIndex: idx.layerParamIndex,
    backwardLayerParamIndex: idx.backwardLayerParamIndex,
    batchSize: options.batchSize ?? cfg.training.batch_size,
  };
  validateModelConfig(model);
  return model;
}
