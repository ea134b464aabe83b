import { ModelConfig } from '../learners/learner-config';
import { VsmlModelConfig } from '../model/config';
import { RolloutRunner } from '../model/rollout-runner';
import { AdamState } from '../optim/adam';
import { EpisodeSampler } from './episode-sampler';
import { BackpropOptions } from './backprop-optimizer';
import { EsOptions, PairEvaluator } from './es-step';
import { TruncationOptions } from './truncated-es';

/**
 * What one meta-step reports; a metrics.jsonl line is this plus step and timing. Optimizers add
 * their own figures as optional fields (ES: the losses of the + and − halves of the population).
 */
export interface MetaStepResult {
  /** The meta-loss at θ before the update, as this optimizer estimates it. */
  metaLoss: number;
  /** Mean online accuracy over the step's training episodes. */
  trainAccuracy: number;
  /** Norm of the gradient (estimate) handed to Adam, before clipping. */
  gradNorm: number;
  /** Norm of θ after the update. */
  thetaNorm: number;
  lossPos?: number;
  lossNeg?: number;
  /** Gradient-based optimizers: the process's peak resident set so far (MB). */
  peakRssMB?: number;
  /** Gradient-based optimizers: the largest gradient tape of the step (MB: tfjs tensors alive when a slice's forward pass ends, or the kernel reverse pass's float64 tape of a slice). */
  tapeMB?: number;
}

/**
 * What a checkpoint must hold to resume a meta-optimizer exactly: the moments of the outer Adam
 * (every optimizer here updates θ with Adam) plus anything of its own, JSON-serializable
 * (e.g. persistent ES particles). Randomness is not state: it is derived from (seed, step).
 */
export interface MetaOptimizerState {
  adam: AdamState;
  extra?: unknown;
}

/**
 * A meta-optimizer of V_M. The training loop (runs/run-experiment.ts) calls only this, so ES,
 * gradient-based meta-training and their variants are interchangeable and the loop stays small.
 */
export interface MetaOptimizer {
  /** The config's `optimizer.type`, recorded in checkpoints. */
  readonly type: string;
  /**
   * Meta-step `step` (1-based): reads θ and updates it in place. Must depend only on θ, the
   * optimizer's state and (seed, step), so a resumed run equals an uninterrupted one. It may
   * stop early on `signal` by throwing StopRequested (src/engine/stop.ts), but only before it has
   * changed θ or its own state: the loop then checkpoints the previous step.
   */
  step(theta: Float64Array, step: number, signal?: AbortSignal): Promise<MetaStepResult>;
  state(): MetaOptimizerState;
  /** Restores what `state()` returned (from a checkpoint); `file` names it in errors. */
  restore(state: MetaOptimizerState, file?: string): void;
  /** Releases what the optimizer started (backprop's gradient worker threads); the run calls it once it ends. */
  dispose?(): Promise<void>;
}

/** Which meta-optimizer a plan uses, with its settings: one member per `optimizer.type`. */
export type MetaOptimizerSpec =
  | {
      type: 'es';
      es: EsOptions;
      /** Truncated / persistent ES over slices of the episodes (`optimizer.truncation` > 0); absent = whole episodes. */
      truncation?: TruncationOptions;
    }
  | { type: 'backprop'; backprop: BackpropOptions };

/** What every meta-optimizer is built from besides its own settings. */
export interface MetaOptimizerContext<M extends ModelConfig = ModelConfig> {
  runner: RolloutRunner;
  model: M;
  /** Meta-training episodes. */
  train: EpisodeSampler;
  seed: number;
  /** Size of θ. */
  size: number;
  /** Whole-episode ES only: evaluate the pairs here instead of on `runner` (`engine.cluster`). */
  pairs?: PairEvaluator;
  /** The run log (CLI stderr, the editor's output channel). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The context of the optimizers that step VSML's own state (truncated/persistent ES, backprop through the tfjs path). */
export type VsmlOptimizerContext = MetaOptimizerContext<VsmlModelConfig>;
