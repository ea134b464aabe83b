/**
 * The history of one sub-RNN over the snapshot's inner steps: every channel of h or c as a thin
 * line, the chosen channel bold. A small plain-canvas plot (no chart library in this panel).
 */
import type { Decoded, StateKind } from './frames';
import { cellVector } from './frames';

export function paintHistory(
  canvas: HTMLCanvasElement, d: Decoded, kind: StateKind, k: number, cell: { layer: number; a: number; b: number },
  fg: string, muted: string, accent: string, currentFrame: number,
): void {
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.clientWidth || 420;
  const H = canvas.clientHeight || 160;
  canvas.width = Math.round(W * dpr);
  canvas.height = Math.round(H * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  const F = d.frames.length;
  const N = d.slowSize;
  const series = Array.from({ length: N }, (_, n) => d.frames.map((_, f) => cellVector(d, f, kind, cell.layer, cell.a, cell.b)[n]));
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const pad = { l: 44, r: 8, t: 8, b: 20 };
  const x = (f: number): number => pad.l + ((W - pad.l - pad.r) * f) / Math.max(1, F - 1);
  const y = (v: number): number => pad.t + ((H - pad.t - pad.b) * (hi - v)) / (hi - lo);
  ctx.font = '10px sans-serif';
  ctx.fillStyle = muted;
  ctx.textAlign = 'right';
  ctx.fillText(hi.toFixed(2), pad.l - 4, pad.t + 6);
  ctx.fillText(lo.toFixed(2), pad.l - 4, H - pad.b);
  ctx.textAlign = 'center';
  ctx.fillText(`inner step t (${d.frames[0]?.t ?? 0} … ${d.frames[F - 1]?.t ?? 0})`, W / 2, H - 4);
  ctx.strokeStyle = muted;
  ctx.beginPath();
  ctx.moveTo(x(currentFrame), pad.t);
  ctx.lineTo(x(currentFrame), H - pad.b);
  ctx.stroke();
  series.forEach((s, n) => {
    ctx.strokeStyle = n === k ? accent : muted;
    ctx.globalAlpha = n === k ? 1 : 0.45;
    ctx.lineWidth = n === k ? 2 : 1;
    ctx.beginPath();
    s.forEach((v, f) => (f === 0 ? ctx.moveTo(x(f), y(v)) : ctx.lineTo(x(f), y(v))));
    ctx.stroke();
  });
  ctx.globalAlpha = 1;
  void fg;
}
