/**
 * A snapshot decoded for drawing: per frame and layer, h and c as Float32Array [A, B, N]
 * (row-major: cell (a, b) holds N numbers at (a * B + b) * N). Pure apart from atob.
 */
import type { StateSnapshot } from '../../src/protocol/run-records';
import { decodeFloat32 } from '../shared/base64';

export type StateKind = 'h' | 'c';

export interface DecodedFrame {
  t: number;
  label: number;
  prediction: number;
  /** Per layer. */
  h: Float32Array[];
  c: Float32Array[];
}

export interface Decoded {
  step: number;
  dataset: string;
  layerSizes: number[];
  slowSize: number;
  msgSize: number;
  frames: DecodedFrame[];
}

export function decodeSnapshot(s: StateSnapshot): Decoded {
  const N = s.slowSize;
  const sizes = s.layerSizes.slice(0, -1).map((a, l) => a * s.layerSizes[l + 1] * N);
  return {
    step: s.step,
    dataset: s.dataset,
    layerSizes: [...s.layerSizes],
    slowSize: N,
    msgSize: s.msgSize,
    frames: s.frames.map((f) => ({
      t: f.t,
      label: f.label,
      prediction: f.prediction,
      h: f.layers.map((layer, l) => decodeFloat32(layer.h, sizes[l])),
      c: f.layers.map((layer, l) => decodeFloat32(layer.c, sizes[l])),
    })),
  };
}

/**
 * The color scale of one state channel: the largest |value| of channel k over every frame and
 * layer, so colors compare across the scrubbed steps (a frame never rescales on its own).
 */
export function channelScale(d: Decoded, kind: StateKind, k: number): number {
  const N = d.slowSize;
  let max = 0;
  for (const f of d.frames) {
    for (const arr of f[kind]) {
      for (let i = k; i < arr.length; i += N) {
        const v = Math.abs(arr[i]);
        if (v > max && Number.isFinite(v)) max = v;
      }
    }
  }
  return max > 0 ? max : 1;
}

/** The N-vector of cell (a, b) of layer l in a frame. */
export function cellVector(d: Decoded, frame: number, kind: StateKind, l: number, a: number, b: number): Float32Array {
  const B = d.layerSizes[l + 1];
  const N = d.slowSize;
  const off = (a * B + b) * N;
  return d.frames[frame][kind][l].subarray(off, off + N);
}
