/**
 * A chart as a file: its numbers as CSV, and a vector drawing as SVG. Pure (no DOM, no chart.js):
 * charts.ts hands over the series as shown and the chart's own layout (plot area, tick positions
 * and labels from chart.js's scales), so the SVG matches the canvas point for point, without a
 * canvas-to-SVG shim (see README: "Chart export").
 */
import type { Point } from './model';

export interface ShownSeries {
  readonly label: string;
  readonly points: readonly Point[];
}

/** RFC 4180 cell: quoted when it holds a comma, quote or line break (as `vsml export --csv`). */
function cell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per point: `series,<x title>,<y title>` (long format: series of different lengths stay whole). */
export function chartCsv(series: readonly ShownSeries[], xTitle: string, yTitle: string): string {
  const lines = [[cell('series'), cell(xTitle), cell(yTitle)].join(',')];
  for (const s of series) for (const p of s.points) lines.push([cell(s.label), cell(p.x), cell(p.y)].join(','));
  return `${lines.join('\n')}\n`;
}

export interface Tick {
  /** Pixel position along the axis. */
  readonly at: number;
  readonly label: string;
}

/** A drawn chart: sizes in CSS pixels, everything already placed by chart.js. */
export interface ChartPicture {
  readonly width: number;
  readonly height: number;
  readonly background: string;
  readonly foreground: string;
  readonly grid: string;
  readonly area: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly { readonly label: string; readonly color: string; readonly dash: readonly number[]; readonly pixels: readonly (readonly [number, number])[] }[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Splits a polyline where a point is missing (NaN: a gap, as spanGaps off would draw it). */
function paths(pixels: readonly (readonly [number, number])[]): string[] {
  const out: string[] = [];
  let d = '';
  for (const [x, y] of pixels) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (d) out.push(d);
      d = '';
      continue;
    }
    d += `${d ? 'L' : 'M'}${n(x)} ${n(y)}`;
  }
  if (d) out.push(d);
  return out;
}

/** A standalone SVG of the chart: background, grid, ticks and titles, a legend, each series clipped to the plot area. */
export function chartSvg(p: ChartPicture): string {
  const { left, top, right, bottom } = p.area;
  const font = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11"';
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(p.width)}" height="${n(p.height)}" viewBox="0 0 ${n(p.width)} ${n(p.height)}">`,
    `<defs><clipPath id="plot"><rect x="${n(left)}" y="${n(top)}" width="${n(right - left)}" height="${n(bottom - top)}"/></clipPath></defs>`,
    `<rect width="100%" height="100%" fill="${esc(p.background)}"/>`,
    `<g stroke="${esc(p.grid)}" stroke-width="1">`,
    ...p.xTicks.map((t) => `<line x1="${n(t.at)}" y1="${n(top)}" x2="${n(t.at)}" y2="${n(bottom)}"/>`),
    ...p.yTicks.map((t) => `<line x1="${n(left)}" y1="${n(t.at)}" x2="${n(right)}" y2="${n(t.at)}"/>`),
    '</g>',
    `<g fill="${esc(p.foreground)}" ${font}>`,
    ...p.xTicks.map((t) => `<text x="${n(t.at)}" y="${n(bottom + 14)}" text-anchor="middle">${esc(t.label)}</text>`),
    ...p.yTicks.map((t) => `<text x="${n(left - 6)}" y="${n(t.at + 4)}" text-anchor="end">${esc(t.label)}</text>`),
    `<text x="${n((left + right) / 2)}" y="${n(p.height - 4)}" text-anchor="middle">${esc(p.xTitle)}</text>`,
    `<text transform="translate(12 ${n((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">${esc(p.yTitle)}</text>`,
  ];
  // Legend: one row across the top, as chart.js draws it.
  let x = left;
  for (const s of p.series) {
    parts.push(`<line x1="${n(x)}" y1="10" x2="${n(x + 14)}" y2="10" stroke="${esc(s.color)}" stroke-width="2"${s.dash.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`,
      `<text x="${n(x + 18)}" y="14">${esc(s.label)}</text>`);
    x += 30 + 6.5 * s.label.length;
  }
  parts.push('</g>', '<g clip-path="url(#plot)" fill="none" stroke-width="1.5" stroke-linejoin="round">');
  for (const s of p.series) {
    const dash = s.dash.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    for (const d of paths(s.pixels)) parts.push(`<path d="${d}" stroke="${esc(s.color)}"${dash}/>`);
  }
  parts.push('</g>', '</svg>');
  return `${parts.join('\n')}\n`;
}

/** A plain file name for the save dialog (the protocol allows letters, digits, space and ._()+-). */
export function exportFileName(chart: string, runIds: readonly string[], ext: string): string {
  const runs = runIds.length === 0 ? 'no-run' : runIds.length === 1 ? runIds[0] : `${runIds[0]}+${runIds.length - 1}`;
  const base = `${chart}-${runs}`.replace(/[^A-Za-z0-9 ._()+-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 140) || 'chart';
  return `${base}.${ext}`;
}
