/**
 * Draws view (b): each layer's A x B sub-RNNs colored by one state channel, plus the message flow
 * between layers. Cells are written into an ImageData of A x B pixels (one per cell, colors from a
 * lookup table) and scaled up without smoothing: 784 x 10 cells cost one putImageData and one
 * drawImage per layer, not 7,840 fillRects.
 */
import { lutIndex } from '../shared/colormap';
import type { GridLayout } from './grid-layout';

export interface GridPaint {
  ctx: CanvasRenderingContext2D;
  layout: GridLayout;
  /** Per layer [A, B, N]. */
  states: Float32Array[];
  N: number;
  k: number;
  scale: number;
  lut: Uint8ClampedArray;
  fg: string;
  muted: string;
  /** Arrow colors: forward and backward messages. */
  fwd: string;
  bwd: string;
}

const scratch = new Map<string, { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D; img: ImageData }>();

function layerImage(A: number, B: number) {
  const key = `${A}x${B}`;
  let s = scratch.get(key);
  if (!s) {
    const canvas = new OffscreenCanvas(A, B);
    const ctx = canvas.getContext('2d')!;
    s = { canvas, ctx, img: ctx.createImageData(A, B) };
    scratch.set(key, s);
  }
  return s;
}

export function paintGrid(p: GridPaint): void {
  const { ctx, layout, N, k, scale, lut } = p;
  const steps = lut.length / 4;
  ctx.imageSmoothingEnabled = false;
  for (const bl of layout.blocks) {
    const st = p.states[bl.layer]; // [A, B, N]
    const { canvas, ctx: octx, img } = layerImage(bl.A, bl.B);
    const px = img.data; // [B rows, A columns, RGBA]
    for (let a = 0; a < bl.A; a++) {
      for (let b = 0; b < bl.B; b++) {
        const li = lutIndex(st[(a * bl.B + b) * N + k], scale, steps) * 4;
        const o = (b * bl.A + a) * 4;
        px[o] = lut[li];
        px[o + 1] = lut[li + 1];
        px[o + 2] = lut[li + 2];
        px[o + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    ctx.drawImage(canvas, bl.x, bl.y, bl.A * bl.cw, bl.B * bl.ch);
  }
}

/** Labels, axes and message arrows: redrawn only when the layout changes, on a canvas below the cells. */
export function paintGridFrame(ctx: CanvasRenderingContext2D, layout: GridLayout, fg: string, muted: string, fwd: string, bwd: string): void {
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'middle';
  const L = layout.blocks.length;
  for (const bl of layout.blocks) {
    const w = bl.A * bl.cw;
    const h = bl.B * bl.ch;
    ctx.strokeStyle = muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(bl.x - 0.5, bl.y - 0.5, w + 1, h + 1);
    ctx.fillStyle = fg;
    ctx.textAlign = 'left';
    ctx.fillText(`layer ${bl.layer}: ${bl.A} x ${bl.B} sub-RNNs (columns a = input unit, rows b = output unit)`, bl.x, bl.y - 10);
    ctx.textAlign = 'right';
    ctx.fillStyle = muted;
    ctx.fillText('b=0', bl.x - 4, bl.y + bl.ch / 2);
    ctx.fillText(`b=${bl.B - 1}`, bl.x - 4, bl.y + h - bl.ch / 2);
    const next = layout.blocks[bl.layer + 1];
    if (next) {
      // Forward message b (mean over a of row b) becomes input column b of the next layer;
      // the next layer's backward message a' (mean over its row... columns) returns to row b.
      const few = bl.B <= 40;
      for (let b = 0; b < bl.B; b += few ? 1 : Math.ceil(bl.B / 40)) {
        const sx = bl.x + w + 2;
        const sy = bl.y + (b + 0.5) * bl.ch;
        const ex = next.x + (b + 0.5) * next.cw;
        const ey = next.y - 2;
        arrow(ctx, sx, sy, ex, ey, fwd, false);
        arrow(ctx, ex - Math.min(3, next.cw / 3), ey, sx, sy + Math.min(3, bl.ch / 3), bwd, true);
      }
      // Labels right of the arrows' bend (the curves stay within ~30 px of the block's right edge).
      ctx.textAlign = 'left';
      ctx.fillStyle = fwd;
      ctx.fillText('→ forward msg b = mean over a', bl.x + w + 40, bl.y + h + 18);
      ctx.fillStyle = bwd;
      ctx.fillText('← backward msg = mean over next b', bl.x + w + 40, bl.y + h + 34);
    }
    if (bl.layer === 0) {
      ctx.fillStyle = fwd;
      ctx.textAlign = 'left';
      ctx.fillText('↓ input x_a enters column a on forward channel 0', bl.x, bl.y - 28);
    }
    if (bl.layer === L - 1) {
      ctx.fillStyle = fwd;
      ctx.textAlign = 'left';
      ctx.fillText('→ logits (mean over a of row b)', bl.x + w + 6, bl.y + h / 2 - 7);
      ctx.fillStyle = bwd;
      ctx.fillText('← error softmax − onehot (next step)', bl.x + w + 6, bl.y + h / 2 + 7);
    }
  }
}

function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, color: string, dashed: boolean): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.55;
  ctx.lineWidth = 1;
  ctx.setLineDash(dashed ? [3, 3] : []);
  const cx = Math.max(x0, x1) + 24;
  const cy = (y0 + y1) / 2;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.quadraticCurveTo(cx, cy, x1, y1);
  ctx.stroke();
  // Head along the curve's end tangent.
  const ang = Math.atan2(y1 - cy, x1 - cx);
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - 5 * Math.cos(ang - 0.4), y1 - 5 * Math.sin(ang - 0.4));
  ctx.lineTo(x1 - 5 * Math.cos(ang + 0.4), y1 - 5 * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}
