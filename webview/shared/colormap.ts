/**
 * Colors for LSTM state values and for V_M param sets. Pure functions (no DOM), so the tests can
 * compute the color a cell must have and compare it with the pixels read back.
 */
import type { ThemeKind } from './theme';

export type Rgb = [number, number, number];

/** Diverging endpoints: negative = blue, positive = orange-red; the middle blends into the theme. */
const NEG: Rgb = [33, 102, 172];
const POS: Rgb = [214, 96, 77];
const MID_LIGHT: Rgb = [247, 247, 247];
const MID_DARK: Rgb = [40, 40, 40];
const MID_HC: Rgb = [0, 0, 0];

export function midColor(kind: ThemeKind): Rgb {
  if (kind === 'high-contrast') return MID_HC;
  if (kind === 'dark') return MID_DARK;
  return MID_LIGHT;
}

/**
 * The color of a state value v scaled by `scale` (values beyond ±scale saturate).
 * Linear blend from the middle color to the endpoint; NaN shows magenta so it cannot hide.
 */
export function divergingColor(v: number, scale: number, kind: ThemeKind, out: Rgb = [0, 0, 0]): Rgb {
  if (!Number.isFinite(v)) {
    out[0] = 255; out[1] = 0; out[2] = 255;
    return out;
  }
  const x = scale > 0 ? Math.max(-1, Math.min(1, v / scale)) : 0;
  const end = x < 0 ? NEG : POS;
  const mid = midColor(kind);
  const a = Math.abs(x);
  out[0] = Math.round(mid[0] + (end[0] - mid[0]) * a);
  out[1] = Math.round(mid[1] + (end[1] - mid[1]) * a);
  out[2] = Math.round(mid[2] + (end[2] - mid[2]) * a);
  return out;
}

/**
 * A lookup table of `steps` colors over [-scale, scale] (Uint8 RGBA), for drawing 10^5 cells a
 * frame without per-cell blending. Index with lutIndex().
 */
export function divergingLut(kind: ThemeKind, steps = 256): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(steps * 4);
  const c: Rgb = [0, 0, 0];
  for (let i = 0; i < steps; i++) {
    divergingColor((i / (steps - 1)) * 2 - 1, 1, kind, c);
    lut.set([c[0], c[1], c[2], 255], i * 4);
  }
  return lut;
}

export function lutIndex(v: number, scale: number, steps = 256): number {
  if (!Number.isFinite(v) || scale <= 0) return Math.floor(steps / 2);
  const x = Math.max(-1, Math.min(1, v / scale));
  return Math.round(((x + 1) / 2) * (steps - 1));
}

/** Distinct hues for param sets of V_M (set 0, 1, 2, ...), readable on light and dark. */
const SET_COLORS: Rgb[] = [
  [0, 122, 204], [230, 126, 34], [46, 160, 67], [170, 70, 190], [200, 60, 60], [23, 162, 184], [150, 120, 40], [90, 90, 200],
];

export function setColor(set: number): Rgb {
  return SET_COLORS[((set % SET_COLORS.length) + SET_COLORS.length) % SET_COLORS.length];
}

/** Tensor kinds of one param set, shaded: recurrence darker, messages lighter. */
export function shade(c: Rgb, f: number): Rgb {
  return f >= 0
    ? [Math.round(c[0] + (255 - c[0]) * f), Math.round(c[1] + (255 - c[1]) * f), Math.round(c[2] + (255 - c[2]) * f)]
    : [Math.round(c[0] * (1 + f)), Math.round(c[1] * (1 + f)), Math.round(c[2] * (1 + f))];
}

export const rgbCss = (c: Rgb): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
