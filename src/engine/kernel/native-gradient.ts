import { EngineError } from '../errors';
import { VsmlModelConfig, numClasses } from '../model/config';
import { Episode } from '../model/episode';
import { LayerState } from '../model/init';
import type { LossType } from '../tfjs/episode-loss';
import { checkGradientArgs, EpisodeGradient } from '../model/episode-gradient';
import { kernelConfigFloats, kernelConfigInts, kernelError, packState, stateFloats } from './kernel-abi';
import { loadNativeKernel } from './native-kernel';

/** The reverse pass of native/vsml-grad.c as the addon exports it (float64, one thread). */
export interface GradientKernel {
  /**
   * ci/cf as KernelBackend.episode; theta [D]; inputs [T, batch, A_0]; labels [T, batch]; stateIn per
   * layer h [batch, A, B, N] then c; lossType 0 = mean, 1 = last; truncation 0 = whole episode.
   * Writes gradOut [D], ceOut [T*batch], logitsOut [T*batch*C] (bounded) and lossOut[0].
   * Returns 0 or an error code (kernelErrorMessage; 9 = layer norm, 10 = out of memory).
   */
  gradEpisode(
    ci: Int32Array, cf: Float32Array, theta: Float64Array, inputs: Float32Array, labels: Int32Array, stateIn: Float64Array,
    lossType: number, truncation: number, gradOut: Float64Array, ceOut: Float64Array, logitsOut: Float32Array, lossOut: Float64Array,
  ): number;
  /** Bytes of tape gradEpisode holds for one slice of `sliceSteps` steps. */
  gradTapeBytes(ci: Int32Array, sliceSteps: number): number;
}

/** The native addon's reverse pass, or why it cannot be used (not built, or built before it existed). */
export function loadGradientKernel(dir?: string): { kernel?: GradientKernel; reason?: string } {
  const native = loadNativeKernel(dir);
  if (!native.kernel) return { reason: native.reason };
  const k = native.kernel as unknown as Partial<GradientKernel>;
  if (typeof k.gradEpisode !== 'function' || typeof k.gradTapeBytes !== 'function') {
    return { reason: 'the native addon predates the kernel reverse pass (run `npm run build:native`)' };
  }
  return { kernel: k as GradientKernel };
}

/** Why the kernel reverse pass cannot differentiate this model (undefined: it can). */
export function nativeGradientUnsupported(cfg: VsmlModelConfig): string | undefined {
  if (cfg.layerNorm) return 'model.sub_rnn.layer_norm is on (the kernel reverse pass has no layer norm)';
  return undefined;
}

/**
 * truncatedEpisodeGradient's contract on the kernel reverse pass: same slices, same loss split,
 * same outputs; peakTapeBytes is the C tape of one slice (float64 forward activations).
 */
export function nativeEpisodeGradient(
  kernel: GradientKernel, cfg: VsmlModelConfig, theta: Float64Array | Float32Array, episode: Episode, initialState: readonly LayerState[],
  lossType: LossType, truncation: number,
): EpisodeGradient {
  checkGradientArgs(cfg, theta, episode, initialState, lossType, truncation);
  const unsupported = nativeGradientUnsupported(cfg);
  if (unsupported) throw new EngineError('engine.gradient', `cannot use the kernel reverse pass: ${unsupported}`, 'set engine.gradient to "tfjs" or "auto"');

  const T = episode.length;
  const bs = cfg.batchSize;
  const C = numClasses(cfg);
  const state = packState(initialState, new Float64Array(stateFloats(cfg)));
  const ci = kernelConfigInts(cfg, T);
  const grad = new Float64Array(theta.length);
  const ce = new Float64Array(T * bs);
  const logits = new Float32Array(T * bs * C); // [T, batch, C]
  const loss = new Float64Array(1);
  const code = kernel.gradEpisode(ci, kernelConfigFloats(cfg), Float64Array.from(theta), Float32Array.from(episode.inputs), episode.labels,
    state, lossType === 'mean' ? 0 : 1, truncation, grad, ce, logits, loss);
  if (code === 10) throw new EngineError('optimizer.truncation', `the kernel reverse pass could not allocate its tape (${(kernel.gradTapeBytes(ci, truncation || T) / 1e6).toFixed(0)} MB)`, 'use a shorter truncation');
  if (code !== 0) throw kernelError(code);
  const correct = new Uint8Array(T * bs);
  for (let row = 0; row < T * bs; row++) {
    let arg = 0;
    for (let c = 1; c < C; c++) if (logits[row * C + c] > logits[row * C + arg]) arg = c; // ties to the lowest index, as numpy
    correct[row] = arg === episode.labels[row] ? 1 : 0;
  }
  const slice = truncation === 0 ? T : Math.min(truncation, T);
  return { loss: loss[0], grad, ce, correct, peakTapeBytes: kernel.gradTapeBytes(ci, slice) };
}
