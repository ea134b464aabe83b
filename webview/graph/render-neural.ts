/**
 * Draws view (c): the network as a neural net whose weights are tiny LSTMs. Units of each layer sit
 * in a column; every connection a -> b of layer l is a line colored by the chosen state channel of
 * sub-RNN (a, b). Lines are bucketed by color (one path per bucket), so 7,840 connections cost
 * a few dozen strokes.
 */
import { lutIndex } from '../shared/colormap';

export interface NeuralGeometry {
  width: number;
  height: number;
  /** x of each layer column, [L + 1]. */
  xs: number[];
  /** y of unit i of layer column j. */
  y(j: number, i: number): number;
}

export function neuralGeometry(layerSizes: readonly number[], width: number, height: number): NeuralGeometry {
  const cols = layerSizes.length;
  const pad = 40;
  const xs = layerSizes.map((_, j) => pad + ((width - 2 * pad) * j) / Math.max(1, cols - 1));
  return {
    width, height, xs,
    y: (j, i) => {
      const n = layerSizes[j];
      const top = 24;
      const span = height - 48;
      return n === 1 ? top + span / 2 : top + (span * i) / (n - 1);
    },
  };
}

const BUCKETS = 48;
/** Above this many connections in a layer, lines are rasterized by hand (see rasterConnections). */
const DENSE = 2000;

let raster: { w: number; h: number; img: ImageData; u32: Uint32Array; canvas: OffscreenCanvas } | undefined;

/**
 * Dense layers (784 x 10 = 7,840 connections, each ~800 px long) are too slow to stroke with
 * antialiasing in a software-rendered webview (13 frames/s measured). Every connection runs
 * between two vertical columns, so it crosses each pixel column exactly once: write one pixel
 * per column into a Uint32 view of an ImageData, weakest first so strong states stay on top.
 */
function rasterConnections(
  ctx: CanvasRenderingContext2D, g: NeuralGeometry, l: number, A: number, B: number, st: Float32Array,
  N: number, k: number, scale: number, lut: Uint8ClampedArray, dpr: number,
): void {
  const w = Math.round(g.width * dpr);
  const h = Math.round(g.height * dpr);
  if (!raster || raster.w !== w || raster.h !== h) {
    const canvas = new OffscreenCanvas(w, h);
    const img = new ImageData(w, h);
    raster = { w, h, img, u32: new Uint32Array(img.data.buffer), canvas };
  }
  const { u32, img, canvas } = raster;
  u32.fill(0);
  const steps = lut.length / 4;
  // Packed RGBA in memory order (little-endian: A B G R in the 32-bit word).
  const packed = new Uint32Array(steps);
  for (let i = 0; i < steps; i++) packed[i] = (255 << 24) | (lut[i * 4 + 2] << 16) | (lut[i * 4 + 1] << 8) | lut[i * 4];
  const n = A * B;
  const idx = new Uint16Array(n);
  const mag = new Float32Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = st[i * N + k];
    idx[i] = lutIndex(v, scale, steps);
    mag[i] = Number.isFinite(v) ? Math.abs(v) : Infinity;
    order[i] = i;
  }
  order.sort((x, y) => mag[x] - mag[y]);
  const x0 = Math.round(g.xs[l] * dpr);
  const x1 = Math.round(g.xs[l + 1] * dpr);
  const span = Math.max(1, x1 - x0);
  for (let o = 0; o < n; o++) {
    const i = order[o];
    const a = Math.floor(i / B);
    const b = i - a * B;
    const ya = g.y(l, a) * dpr;
    const slope = (g.y(l + 1, b) * dpr - ya) / span;
    const color = packed[idx[i]];
    // y advances by `slope` per pixel column; (y + 0.5) | 0 rounds without a call.
    let y = ya + 0.5;
    for (let x = x0; x <= x1; x++, y += slope) u32[(y | 0) * w + x] = color;
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(canvas, 0, 0);
  ctx.restore();
}

export function paintNeural(
  ctx: CanvasRenderingContext2D, g: NeuralGeometry, layerSizes: readonly number[], states: Float32Array[],
  N: number, k: number, scale: number, lut: Uint8ClampedArray, fg: string,
): void {
  const steps = lut.length / 4;
  const L = layerSizes.length - 1;
  const paths: Path2D[] = Array.from({ length: BUCKETS }, () => new Path2D());
  const dense = layerSizes.some((n, j) => j < L && n * layerSizes[j + 1] > DENSE);
  const dpr = ctx.getTransform().a || 1;
  for (let l = 0; l < L; l++) {
    const A = layerSizes[l];
    const B = layerSizes[l + 1];
    const st = states[l]; // [A, B, N]
    if (A * B > DENSE) {
      rasterConnections(ctx, g, l, A, B, st, N, k, scale, lut, dpr);
      continue;
    }
    for (let a = 0; a < A; a++) {
      const y0 = g.y(l, a);
      for (let b = 0; b < B; b++) {
        const bucket = Math.min(BUCKETS - 1, Math.floor((lutIndex(st[(a * B + b) * N + k], scale, steps) / steps) * BUCKETS));
        const p = paths[bucket];
        p.moveTo(g.xs[l], y0);
        p.lineTo(g.xs[l + 1], g.y(l + 1, b));
      }
    }
  }
  ctx.save();
  ctx.lineWidth = dense ? 0.6 : 1.5;
  ctx.globalAlpha = dense ? 0.5 : 0.9;
  // Draw faint (near zero) buckets first so strong connections stay on top.
  const order = Array.from({ length: BUCKETS }, (_, i) => i).sort((x, y) => Math.abs(x - (BUCKETS - 1) / 2) - Math.abs(y - (BUCKETS - 1) / 2));
  for (const i of order) {
    const li = Math.round(((i + 0.5) / BUCKETS) * (steps - 1)) * 4;
    ctx.strokeStyle = `rgb(${lut[li]}, ${lut[li + 1]}, ${lut[li + 2]})`;
    ctx.stroke(paths[i]);
  }
  ctx.restore();
  ctx.fillStyle = fg;
  for (let j = 0; j <= L; j++) {
    const n = layerSizes[j];
    // One path per column: 784 separate fills cost more than all the connections.
    const dots = new Path2D();
    if (n > 100) {
      for (let i = 0; i < n; i++) dots.rect(g.xs[j] - 1, g.y(j, i) - 0.5, 2, 1);
    } else {
      const r = n > 30 ? 2 : 4;
      for (let i = 0; i < n; i++) {
        dots.moveTo(g.xs[j] + r, g.y(j, i));
        dots.arc(g.xs[j], g.y(j, i), r, 0, 2 * Math.PI);
      }
    }
    ctx.fill(dots);
    ctx.textAlign = 'center';
    ctx.font = '11px sans-serif';
    ctx.fillText(j === 0 ? `input (${n})` : j === L ? `output (${n})` : `hidden ${j} (${n})`, g.xs[j], 12);
  }
}

/**
 * The connection (sub-RNN) whose line passes closest to (x, y), within `tolerance` CSS pixels.
 * Lines run between two columns, so the distance is taken vertically at x (lines are nearly
 * horizontal in wide layouts; for steep lines this overestimates, which only makes hits stricter).
 */
export function nearestConnection(
  g: NeuralGeometry, layerSizes: readonly number[], x: number, y: number, tolerance = 4,
): { layer: number; a: number; b: number } | undefined {
  const L = layerSizes.length - 1;
  for (let l = 0; l < L; l++) {
    const x0 = g.xs[l];
    const x1 = g.xs[l + 1];
    if (x < x0 || x > x1) continue;
    const u = (x - x0) / Math.max(1, x1 - x0);
    let best: { layer: number; a: number; b: number } | undefined;
    let bestD = tolerance;
    for (let a = 0; a < layerSizes[l]; a++) {
      const ya = g.y(l, a);
      for (let b = 0; b < layerSizes[l + 1]; b++) {
        const d = Math.abs(ya + (g.y(l + 1, b) - ya) * u - y);
        if (d <= bestD) {
          bestD = d;
          best = { layer: l, a, b };
        }
      }
    }
    return best;
  }
  return undefined;
}
