/**
 * The gradient tape of backprop meta-training, from the config before anything runs (for
 * `vsml check`'s memory estimate): the kernel reverse pass's float64 tape, and an estimate of
 * TensorFlow.js autodiff's tensors.
 */

export interface TapeShape {
  /** [A_0, ..., A_L] */
  readonly layerSizes: readonly number[];
  /** N */
  readonly slowSize: number;
  /** M */
  readonly msgSize: number;
  readonly numMicroTicks: number;
  readonly backwardPass: boolean;
  readonly batchSize: number;
}

/**
 * Bytes the kernel reverse pass keeps for a slice of `sliceSteps` inner steps: native/vsml-grad.c's
 * tape_step_doubles (per layer (A + B)·M messages and micro_ticks·7 + 1 values per cell, twice with
 * the backward pass; 2·C for the loss; per batch member) x the slice, float64. The addon reports the
 * same figure (gradTapeBytes); a test keeps the two equal.
 */
export function nativeTapeBytes(s: TapeShape, sliceSteps: number): number {
  const sizes = s.layerSizes;
  let perStep = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const A = sizes[l];
    const B = sizes[l + 1];
    const cells = A * B * s.slowSize;
    perStep += ((A + B) * s.msgSize + s.numMicroTicks * 7 * cells + cells) * (s.backwardPass ? 2 : 1);
  }
  return s.batchSize * (perStep + 2 * sizes[sizes.length - 1]) * sliceSteps * 8;
}

/**
 * TensorFlow.js autodiff keeps every op's float32 tensors: `npm run bench` measured 4.2x the kernel's
 * tape on three networks (README "Gradient-based meta-training": 503 vs 121 MB on W1, 21 vs 5 MB on
 * W2, 42 vs 10 MB on W3).
 */
export const TFJS_TAPE_FACTOR = 4.2;

export function tfjsTapeBytes(s: TapeShape, sliceSteps: number): number {
  return TFJS_TAPE_FACTOR * nativeTapeBytes(s, sliceSteps);
}
