import { check } from '../errors';
import { VsmlModelConfig, validateModelConfig, numClasses as vsmlNumClasses } from '../model/config';

/**
 * The meta-learners the lab compares (the reference's models.py). Every one is a learner: a flat
 * parameter vector θ (meta-trained by ES) and a recurrent rule that, run over an episode, is the
 * learning algorithm. Names are the ones `vsml compare` writes in its table.
 */
export type LearnerType = 'vsml' | 'metarnn' | 'hebbian' | 'fwm';

/** What every fixed-size baseline shares: its input and output sizes are part of θ's shape. */
interface FixedSizeLearner {
  /** A_0: flattened input size (after data.preprocess, pad.input included). */
  readonly inputSize: number;
  /** Outputs (the data's classes, or pad.output). */
  readonly numClasses: number;
  /** logits = b * tanh(logits / b) when b != 0. */
  readonly tanhBound: number;
  /** Examples per inner step; members run independently (the reference's "TODO merge states"). */
  readonly batchSize: number;
}

/**
 * The Meta RNN of Hochreiter et al. 2001 (reference `MetaRNN`): an LSTM fed the input, the
 * previous step's error and the previous label; a linear read-out gives the logits.
 */
export interface MetaRnnConfig extends FixedSizeLearner {
  readonly type: 'metarnn';
  /** LSTM size H (`model.meta_rnn.slow_size`). */
  readonly slowSize: number;
  /** LSTM updates per inner step, all with the same input. */
  readonly numMicroTicks: number;
}

/**
 * Hebbian fast weights (reference `HebbianFW`): one linear layer whose weights are w + coeff ⊙ F,
 * the fast weights F updated by Hebb's or Oja's rule with a learned rate, from the input
 * (with the error and label appended) and the softmax of the output.
 */
export interface HebbianConfig extends FixedSizeLearner {
  readonly type: 'hebbian';
  readonly useOja: boolean;
}

/** The Fast Weight Memory of Schlag et al. 2021 (reference `FWMemory`): an LSTM with a tensor memory. */
export interface FwmConfig extends FixedSizeLearner {
  readonly type: 'fwm';
  /** LSTM size H (`model.fw_memory.slow_size`). */
  readonly slowSize: number;
  /** m: the memory is [m, m²] (`model.fw_memory.memory_size`). */
  readonly memorySize: number;
}

export type BaselineLearnerConfig = MetaRnnConfig | HebbianConfig | FwmConfig;

/** The engine's config of any learner; a VSML config without `type` is VSML (older checkpoints). */
export type ModelConfig = VsmlModelConfig | BaselineLearnerConfig;

export function learnerType(cfg: ModelConfig): LearnerType {
  return cfg.type ?? 'vsml';
}

export function isVsml(cfg: ModelConfig): cfg is VsmlModelConfig {
  return cfg.type === undefined || cfg.type === 'vsml';
}

export const learnerNumClasses = (cfg: ModelConfig): number => (isVsml(cfg) ? vsmlNumClasses(cfg) : cfg.numClasses);

const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/** The experiment config's section of each baseline, for error paths. */
export const BASELINE_SECTION: Record<BaselineLearnerConfig['type'], string> = {
  metarnn: 'model.meta_rnn',
  hebbian: 'model.hebbian_fw',
  fwm: 'model.fw_memory',
};

/** Checks the invariants the math needs; throws EngineError naming the field and the fix. */
export function validateLearnerConfig(cfg: ModelConfig): void {
  if (isVsml(cfg)) return validateModelConfig(cfg);
  const section = BASELINE_SECTION[cfg.type];
  check(section !== undefined, 'model.type', `is ${JSON.stringify((cfg as { type: unknown }).type)}`, 'use VSMLRNN, MetaRNN, HebbianFW or FWMemory');
  check(isPosInt(cfg.inputSize), 'data.preprocess', `input size must be a positive integer, got ${cfg.inputSize}`, 'check data.preprocess.resize / pad.input');
  check(isPosInt(cfg.numClasses), 'data.preprocess.pad.output', `number of classes must be a positive integer, got ${cfg.numClasses}`, 'check data.filter_classes / pad.output');
  check(Number.isFinite(cfg.tanhBound) && cfg.tanhBound >= 0, `${section}.tanh_bound`, `must be a finite number >= 0, got ${cfg.tanhBound}`, 'use 0 to disable the bound');
  check(isPosInt(cfg.batchSize), 'training.batch_size', `must be a positive integer, got ${cfg.batchSize}`, 'use 1 for online learning');
  if (cfg.type === 'metarnn') {
    check(isPosInt(cfg.slowSize), `${section}.slow_size`, `must be a positive integer, got ${cfg.slowSize}`, 'use e.g. 128');
    check(isPosInt(cfg.numMicroTicks), `${section}.num_micro_ticks`, `must be a positive integer, got ${cfg.numMicroTicks}`, 'use e.g. 2');
  } else if (cfg.type === 'fwm') {
    check(isPosInt(cfg.slowSize), `${section}.slow_size`, `must be a positive integer, got ${cfg.slowSize}`, 'use e.g. 32');
    check(isPosInt(cfg.memorySize), `${section}.memory_size`, `must be a positive integer, got ${cfg.memorySize}`, 'use e.g. 16');
  } else {
    check(typeof cfg.useOja === 'boolean', `${section}.use_oja`, `must be true or false, got ${JSON.stringify(cfg.useOja)}`, 'use true for Oja\'s rule');
  }
}
