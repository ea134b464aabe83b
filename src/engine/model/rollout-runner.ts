import type { ModelConfig } from '../learners/learner-config';
import { LayerState } from './init';
import { Episode, EpisodeResult } from './episode';

/**
 * One rollout: a θ, an episode and an initial state. ES evaluates 2·P of these per meta-step
 * (θ ± σε, the two of a pair sharing episode and state); evaluation runs K of them with one θ.
 */
export interface Rollout {
  /** Flat θ in the learner's layout (VSML: V_M as param-layout.ts; learners/learner-layout.ts). */
  readonly theta: Float64Array | Float32Array;
  readonly episode: Episode;
  /** VSML: per layer [batch, A_l, B_l, N]; not modified. Baselines start from zeros: []. */
  readonly initialState: readonly LayerState[];
}

export interface RunOptions {
  /** Return the final LSTM state of each rollout (costs a copy of the whole state). */
  readonly wantFinalState?: boolean;
}

/** Per-rollout outputs; finalState only when asked for. */
export type RolloutResult = Omit<EpisodeResult, 'finalState'> & { finalState?: LayerState[] };

/**
 * Something that runs many independent rollouts of one learner config: the float64 reference,
 * the fused kernel (native or wasm, across worker threads), or TensorFlow.js. Every runner runs
 * every learner: VSML on its own path, the baselines through learners/baseline-episode.ts.
 * ES and evaluation are written against this, so paths and learners are interchangeable.
 */
export interface RolloutRunner {
  /** e.g. 'reference', 'fused-native', 'fused-wasm', 'tfjs'. */
  readonly name: string;
  /** e.g. 'float64' reference, or the tfjs backend name ('wasm', 'cpu', 'tensorflow'). */
  readonly backend: string;
  readonly precision: 'float64' | 'float32';
  readonly threads: number;
  run(cfg: ModelConfig, rollouts: readonly Rollout[], options?: RunOptions): Promise<RolloutResult[]>;
  /** Frees workers, wasm memory or tensors. */
  dispose(): Promise<void>;
}
