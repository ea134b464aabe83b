/**
 * Draws view (a): the big RNN's sparse, block-structured weight matrix (see matrix-structure.ts),
 * rows = receiving cell, columns = sending cell, downsampled to at most `size` pixels a side, each
 * block in the color of the V_M param set it reuses (shaded by tensor: recurrence, forward
 * messenger, backward messenger) and the loss coupling in a neutral gray. Beside it, the big RNN's
 * state vector (the chosen channel of every cell) for the current frame.
 */
import { Rgb, lutIndex, setColor, shade } from '../shared/colormap';
import { CellIndex, Relation, cellIndex, forEachBlock } from './matrix-structure';

export const MATRIX_SHADE: Record<Exclude<Relation, 'none' | 'loss'>, number> = { self: -0.25, forward: 0.25, backward: 0.55 };
export const LOSS_GRAY: Rgb = [150, 150, 150];

/** The loss coupling, a gray tint over the background: it holds no V_M weight, so it stays quiet. */
export function lossColor(background: Rgb): Rgb {
  return [0, 1, 2].map((i) => Math.round(background[i] + (LOSS_GRAY[i] - background[i]) * 0.35)) as Rgb;
}

export interface MatrixImage {
  size: number;
  idx: CellIndex;
  image: ImageData;
}

/** Builds the structure image once per (layer sizes, sharing, background). */
export function buildMatrixImage(layerSizes: readonly number[], layerParamIndex: readonly number[], maxSize: number, background: Rgb): MatrixImage {
  const idx = cellIndex(layerSizes);
  const size = Math.min(idx.total, maxSize);
  const image = new ImageData(size, size);
  const px = image.data; // [size rows, size cols, RGBA]
  const put = (r: number, c: number, col: Rgb): void => {
    const o = (r * size + c) * 4;
    px[o] = col[0];
    px[o + 1] = col[1];
    px[o + 2] = col[2];
    px[o + 3] = 255;
  };
  for (let i = 0; i < size * size; i++) put(Math.floor(i / size), i % size, background);
  const scale = size / idx.total;
  const L = layerSizes.length - 1;
  // The loss couples every last-layer cell with every other: one gray square.
  const s0 = Math.floor(idx.starts[L - 1] * scale);
  const s1 = Math.max(s0 + 1, Math.floor(idx.starts[L] * scale));
  const loss = lossColor(background);
  for (let r = s0; r < s1; r++) for (let c = s0; c < s1; c++) put(r, c, loss);
  // Messages first, recurrence last, so the diagonal stays visible where they share a pixel.
  const colors = new Map<string, Rgb>();
  const colorOf = (rel: Exclude<Relation, 'none' | 'loss'>, set: number): Rgb => {
    const key = `${rel}/${set}`;
    let c = colors.get(key);
    if (!c) colors.set(key, (c = shade(setColor(set), MATRIX_SHADE[rel])));
    return c;
  };
  const diagonal: [number, Rgb][] = [];
  forEachBlock(layerSizes, layerParamIndex, (row, col, rel, set) => {
    if (rel === 'self') diagonal.push([Math.floor(row * scale), colorOf('self', set)]);
    else if (rel === 'forward' || rel === 'backward') put(Math.floor(row * scale), Math.floor(col * scale), colorOf(rel, set));
  });
  for (const [p, c] of diagonal) put(p, p, c);
  return { size, idx, image };
}

/** The state strip: pixel row p shows the chosen channel of the first cell mapped to it. */
export function paintStateStrip(
  ctx: CanvasRenderingContext2D, m: MatrixImage, x: number, y: number, width: number, height: number,
  states: Float32Array[], layerSizes: readonly number[], N: number, k: number, scale: number, lut: Uint8ClampedArray,
): void {
  const steps = lut.length / 4;
  const rows = m.size;
  const img = new ImageData(1, rows);
  const L = layerSizes.length - 1;
  let l = 0;
  for (let p = 0; p < rows; p++) {
    const cell = Math.floor((p * m.idx.total) / rows);
    while (l < L - 1 && cell >= m.idx.starts[l + 1]) l++;
    const v = states[l][(cell - m.idx.starts[l]) * N + k];
    const li = lutIndex(v, scale, steps) * 4;
    img.data.set([lut[li], lut[li + 1], lut[li + 2], 255], p * 4);
  }
  const off = new OffscreenCanvas(1, rows);
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, x, y, width, height);
}
