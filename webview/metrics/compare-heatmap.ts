/**
 * The compare table (table.csv of `vsml compare`) as a heat map: rows = method and meta-training
 * set, columns = meta-test datasets, in the table's own order. Colours are scaled per column (each
 * dataset has its own range: 10-class MNIST and a 2-class task are not comparable), from the
 * column's lowest mean to its highest, and the number is drawn black or white, whichever contrasts
 * more with its cell. Pure functions (no DOM), so tests can compute what a cell must show.
 */
import type { CompareTableRow } from '../../src/protocol/compare-table';
import type { Rgb } from '../shared/colormap';
import type { ThemeKind } from '../shared/theme';

export interface HeatmapColumn {
  readonly dataset: string;
  /** Lowest and highest mean accuracy in the column (the colour scale's ends). */
  readonly min: number;
  readonly max: number;
}

export interface HeatmapRow {
  readonly method: string;
  readonly metaTrain: string;
  /** One per column; undefined where the table has no line (a cell not finished yet). */
  readonly cells: readonly (CompareTableRow | undefined)[];
}

export interface Heatmap {
  readonly columns: readonly HeatmapColumn[];
  readonly rows: readonly HeatmapRow[];
}

export function heatmapOf(table: readonly CompareTableRow[]): Heatmap {
  const datasets: string[] = [];
  const keys: string[] = [];
  const byKey = new Map<string, CompareTableRow>();
  for (const r of table) {
    if (!datasets.includes(r.dataset)) datasets.push(r.dataset);
    const key = `${r.method}\t${r.metaTrain}`;
    if (!keys.includes(key)) keys.push(key);
    byKey.set(`${key}\t${r.dataset}`, r);
  }
  const columns = datasets.map((dataset) => {
    const means = table.filter((r) => r.dataset === dataset).map((r) => r.meanAccuracy);
    return { dataset, min: Math.min(...means), max: Math.max(...means) };
  });
  const rows = keys.map((key) => {
    const [method, metaTrain] = key.split('\t');
    return { method, metaTrain, cells: datasets.map((d) => byKey.get(`${key}\t${d}`)) };
  });
  return { columns, rows };
}

/** Where a mean sits on its column's scale, in [0, 1]; 0.5 when the column has a single value. */
export function scalePosition(mean: number, column: HeatmapColumn): number {
  const span = column.max - column.min;
  return span > 0 ? Math.min(1, Math.max(0, (mean - column.min) / span)) : 0.5;
}

/**
 * The scale's ends per theme: from a colour near the editor background (the column's lowest mean)
 * to a saturated blue (its highest). High contrast themes keep the ends far apart.
 */
const ENDS: Record<ThemeKind, [Rgb, Rgb]> = {
  light: [[247, 251, 255], [8, 81, 156]],
  dark: [[48, 52, 58], [66, 146, 214]],
  'high-contrast': [[0, 0, 0], [0, 105, 180]],
  'high-contrast-light': [[255, 255, 255], [70, 140, 220]],
};

export function heatColor(position: number, kind: ThemeKind): Rgb {
  const [lo, hi] = ENDS[kind];
  const t = Math.min(1, Math.max(0, Number.isFinite(position) ? position : 0));
  return [0, 1, 2].map((i) => Math.round(lo[i] + (hi[i] - lo[i]) * t)) as Rgb;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance(c: Rgb): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** Black or white, whichever reads better on `background` (at least 4.58:1 for any colour). */
export function textColorOn(background: Rgb): Rgb {
  return contrastRatio(BLACK, background) >= contrastRatio(WHITE, background) ? BLACK : WHITE;
}

const pct = (x: number, digits: number): string => (100 * x).toFixed(digits);

/** What a cell shows: mean ± spread in percent (the spread only with more than one seed). */
export function cellText(r: CompareTableRow): string {
  return r.seeds > 1 ? `${pct(r.meanAccuracy, 1)} ± ${pct(r.std, 1)}` : pct(r.meanAccuracy, 1);
}

/** Below the dataset's chance level (when the folder records it). */
export const belowChance = (r: CompareTableRow, chance: number | undefined): boolean => chance !== undefined && r.meanAccuracy < chance;

/** The hover text: every number exactly as table.csv has it, where the cell sits on its column's scale, and chance. */
export function cellTitle(r: CompareTableRow, column: HeatmapColumn, chance?: number): string {
  const trained = r.metaTrain === '-' ? '' : `, meta-trained on ${r.metaTrain}`;
  return [
    `${r.method}${trained}, tested on ${r.dataset}`,
    `mean online accuracy ${r.meanAccuracy} (${pct(r.meanAccuracy, 2)}%)`,
    `std over seeds ${r.std} (${pct(r.std, 2)} points)`,
    `seeds ${r.seeds}`,
    `column ${r.dataset}: ${pct(column.min, 1)}% to ${pct(column.max, 1)}%${r.meanAccuracy === column.max ? ' (best)' : ''}`,
    ...(chance === undefined ? [] : [`chance ${pct(chance, 1)}%${belowChance(r, chance) ? ': below chance' : ''}`]),
  ].join('\n');
}
