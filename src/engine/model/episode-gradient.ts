import { check, EngineError } from '../errors';
import { VsmlModelConfig, validateModelConfig } from './config';
import { Episode, checkEpisode, checkParams } from './episode';
import { LayerState } from './init';
import { paramLayout } from './param-layout';
import type { LossType } from '../tfjs/episode-loss';

/**
 * What every episode-gradient backend returns (tfjs autodiff: tfjs/truncated-gradient.ts; the
 * kernel reverse pass: kernel/native-gradient.ts). Here, apart from both, so a worker thread
 * running the reverse pass does not load TensorFlow.js.
 */
export interface EpisodeGradient {
  /** The episode loss (as episodeLoss) at θ. */
  loss: number;
  /** dLoss/dθ [D], truncated: no gradient flows across slice boundaries. */
  grad: Float64Array;
  /** Per step and batch member: CE [T*batch] and whether the argmax was right. */
  ce: Float64Array;
  correct: Uint8Array;
  /**
   * The most tensor memory held during one slice: bytes alive when its forward pass ends, i.e.
   * the tape backprop walks. It grows with the slice length, not with the episode length.
   */
  peakTapeBytes: number;
}

/** The checks every episode-gradient backend runs on entry (EngineError naming the field). */
export function checkGradientArgs(
  cfg: VsmlModelConfig, theta: Float64Array | Float32Array, episode: Episode, initialState: readonly LayerState[], lossType: LossType, truncation: number,
): void {
  validateModelConfig(cfg);
  if (lossType !== 'mean' && lossType !== 'last') throw new EngineError('training.loss_type', `is "${lossType}"`, 'use "mean" or "last"');
  check(Number.isInteger(truncation) && truncation >= 0, 'optimizer.truncation', `must be an integer >= 0, got ${truncation}`, 'use 0 for the whole episode or a number of steps');
  checkEpisode(cfg, episode, initialState, theta.length, paramLayout(cfg).size);
  checkParams(theta);
}
