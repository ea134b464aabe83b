import { ModelConfig, validateLearnerConfig } from '../learners/learner-config';
import { toModelConfig, ToModelOptions } from './to-model-config';
import { ExperimentConfig } from './types';

/**
 * The engine's learner config for one dataset shape, by `model.type`: VSML's network
 * (to-model-config.ts), or a baseline whose θ is shaped by the input size and the number of
 * outputs. Throws an EngineError naming the config field when a value does not fit.
 */
export function toLearnerConfig(cfg: ExperimentConfig, numClasses: number, inputSize: number, options: ToModelOptions = {}): ModelConfig {
  const batchSize = options.batchSize ?? cfg.training.batch_size;
  const sizes = { inputSize, numClasses, batchSize };
  let model: ModelConfig;
  switch (cfg.model.type) {
    case 'VSMLRNN':
      return toModelConfig(cfg, numClasses, inputSize, options);
    case 'MetaRNN': {
      const s = cfg.model.meta_rnn;
      model = { type: 'metarnn', ...sizes, slowSize: s.slow_size, numMicroTicks: s.num_micro_ticks, tanhBound: s.tanh_bound };
      break;
    }
    case 'HebbianFW': {
      const s = cfg.model.hebbian_fw;
      model = { type: 'hebbian', ...sizes, useOja: s.use_oja, tanhBound: s.tanh_bound };
      break;
    }
    case 'FWMemory': {
      const s = cfg.model.fw_memory;
      model = { type: 'fwm', ...sizes, slowSize: s.slow_size, memorySize: s.memory_size, tanhBound: s.tanh_bound };
      break;
    }
  }
  validateLearnerConfig(model);
  return model;
}
