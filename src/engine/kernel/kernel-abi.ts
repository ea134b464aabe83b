import { EngineError } from '../errors';
import { VsmlModelConfig, numLayers } from '../model/config';
import { LayerState } from '../model/init';
import { paramLayout } from '../model/param-layout';

/**
 * The calling convention of native/vsml-kernel.c, shared by the native addon and the wasm
 * build. One call runs one whole episode of one rollout in float32.
 */
export interface KernelBackend {
  /** 'avx2', 'sse2' (native), 'relaxed-simd' or 'simd128' (wasm). */
  readonly variant: string;
  /**
   * ci: int config (kernelConfigInts), cf: [tanh_bound], theta [D], inputs [T, batch, A_0],
   * labels [T, batch], stateIn: per layer h [batch, A, B, N] then c; logitsOut [T, batch, C];
   * stateOut like stateIn or null. Returns 0 or a kernel error code (kernelErrorMessage).
   */
  episode(
    ci: Int32Array, cf: Float32Array, theta: Float32Array, inputs: Float32Array, labels: Int32Array,
    stateIn: Float32Array, logitsOut: Float32Array, stateOut: Float32Array | null,
  ): number;
}

/** Mirrors the CI_* enum of vsml-kernel.c: 12 scalars, then layer sizes and the two index arrays. */
export function kernelConfigInts(cfg: VsmlModelConfig, length: number): Int32Array {
  const L = numLayers(cfg);
  const layout = paramLayout(cfg);
  const ci = new Int32Array(12 + L + 1 + 2 * L);
  ci.set([
    L, cfg.slowSize, cfg.msgSize, cfg.numMicroTicks, cfg.outputIdx, cfg.feedLabel ? 1 : 0, cfg.layerNorm ? 1 : 0,
    cfg.backwardPass ? 1 : 0, cfg.batchSize, length, layout.numSets, layout.setSize,
  ]);
  ci.set(cfg.layerSizes, 12);
  ci.set(cfg.layerParamIndex, 12 + L + 1);
  // Without a backward pass the reverse indices are unused; the kernel only checks them when it needs them.
  ci.set(cfg.backwardLayerParamIndex, 12 + 2 * L + 1);
  return ci;
}

export function kernelConfigFloats(cfg: VsmlModelConfig): Float32Array {
  return Float32Array.of(cfg.tanhBound);
}

/** Floats of state (h and c of every layer, all batch members) one rollout carries. */
export function stateFloats(cfg: VsmlModelConfig): number {
  let n = 0;
  for (let l = 0; l < numLayers(cfg); l++) n += 2 * cfg.batchSize * cfg.layerSizes[l] * cfg.layerSizes[l + 1] * cfg.slowSize;
  return n;
}

/** The kernel's state layout: per layer h [batch, A, B, N] then c, written into `out` (stateFloats(cfg) long). */
export function packState<T extends Float32Array | Float64Array>(state: readonly LayerState[], out: T): T {
  let off = 0;
  for (const s of state) {
    out.set(s.h, off);
    off += s.h.length;
    out.set(s.c, off);
    off += s.c.length;
  }
  return out;
}

const KERNEL_ERRORS: Record<number, [string, string, string]> = {
  1: ['model.layer_sizes', 'has more layers than the fused kernel supports (16)', 'use at most 16 layers or the tfjs path'],
  2: ['model.vsml_rnn', 'uses more param sets than the fused kernel supports (32)', 'use fewer layerwise RNNs or the tfjs path'],
  3: ['model', 'has a non-positive size', 'check slow_size, msg_size (>= 2), num_micro_ticks and batch_size'],
  4: ['model.vsml_rnn.output_idx', 'is outside the forward message', 'use an index below msg_size'],
  5: ['model.layer_sizes', 'has a size below 1', 'use positive layer sizes'],
  6: ['model.vsml_rnn.layer_param_index', 'points past the param sets', 'derive the indices from layerwise_rnns / separate_backward_rnn'],
  7: ['theta', 'does not match the param layout of this model', 'use a checkpoint made for the same model sizes'],
  8: ['episode.labels', 'holds a label outside [0, num_classes)', 'use class indices below the output size'],
  9: ['model.sub_rnn.layer_norm', 'is not supported by the kernel reverse pass', 'set engine.gradient to "tfjs" (or "auto", which falls back to it)'],
};

/** Turns a kernel error code into the engine's error (the checks in JS should have caught it first). */
export function kernelError(code: number): EngineError {
  const [path, message, fix] = KERNEL_ERRORS[code] ?? ['', `fused kernel failed with code ${code}`, 'report this as a bug; use engine.path "reference" meanwhile'];
  return new EngineError(path, message, fix);
}
