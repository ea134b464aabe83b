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

export function paintNeural(
  ctx: CanvasRenderingContext2D, g: NeuralGeometry, layerSizes: readonly number[], states: Float32Array[],
  N: number, k: number, scale: number, lut: Uint8ClampedArray, fg: string,
): void {
  const steps = lut.length / 4;
  const L = layerSizes.length - 1;
  const paths: Path2D[] = Array.from({ length: BUCKETS }, () => new Path2D());
  const dense = layerSizes.some((n, j) => j < L && n * layerSizes[j + 1] > 2000);
  for (let l = 0; l < L; l++) {
    const A = layerSizes[l];
    const B = layerSizes[l + 1];
    const st = states[l]; // [A, B, N]
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
    const r = n > 100 ? 0.8 : n > 30 ? 2 : 4;
    for (let i = 0; i < n; i++) {
      ctx.beginPath();
      ctx.arc(g.xs[j], g.y(j, i), r, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.textAlign = 'center';
    ctx.font = '11px sans-serif';
    ctx.fillText(j === 0 ? `input (${n})` : j === L ? `output (${n})` : `hidden ${j} (${n})`, g.xs[j], 12);
  }
}
