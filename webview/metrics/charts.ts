/**
 * chart.js line charts set up for large, live series: no animation, pre-parsed {x, y} points
 * (parsing: false), linear x axes, and the decimation plugin (min-max keeps every peak visible),
 * so 50,000 points per series stay responsive. Colors come from the VS Code theme.
 */
import {
  Chart, Decimation, Legend, LineController, LineElement, LinearScale, PointElement, Title, Tooltip,
  type ChartDataset, type ChartOptions,
} from 'chart.js';
import { cssVar } from '../shared/theme';
import type { Point } from './model';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Decimation, Title);

export type LineDataset = ChartDataset<'line', Point[]>;

/** Colors for runs: VS Code's chart palette variables where the theme has them. */
export function runColor(i: number): string {
  const vars = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
  const fallback = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
  return cssVar(vars[i % vars.length], fallback[i % fallback.length]);
}

/** Dash patterns tell datasets (or methods) apart within one run's color. */
export const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3]];

function themeOptions(xTitle: string, yTitle: string, yRange?: { min: number; max: number }): ChartOptions<'line'> {
  const fg = cssVar('--vscode-foreground', '#cccccc');
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-widget-border', '#8884'));
  const axis = (title: string) => ({
    type: 'linear' as const,
    title: { display: true, text: title, color: fg },
    ticks: { color: fg },
    grid: { color: grid },
  });
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'nearest', intersect: false, axis: 'x' },
    elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5 } },
    plugins: {
      decimation: { enabled: true, algorithm: 'min-max' },
      legend: { labels: { color: fg, boxWidth: 14, boxHeight: 2 } },
      tooltip: { enabled: true },
    },
    // Both x axes (meta-step, examples seen) count whole things.
    scales: { x: { ...axis(xTitle), ticks: { color: fg, precision: 0 } }, y: { ...axis(yTitle), ...(yRange ?? {}) } },
  };
}

export class LineChart {
  readonly chart: Chart<'line', Point[]>;

  constructor(canvas: HTMLCanvasElement, private readonly xTitle: string, private readonly yTitle: string, private readonly yRange?: { min: number; max: number }) {
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: themeOptions(xTitle, yTitle, yRange) });
  }

  /** Replaces every series (after a snapshot or a change of what is shown). */
  setDatasets(datasets: LineDataset[]): void {
    this.chart.data.datasets = datasets;
    this.chart.update('none');
  }

  /** Appends live points to the series with this label; returns false when there is no such series. */
  append(label: string, points: readonly Point[]): boolean {
    const ds = this.chart.data.datasets.find((d) => d.label === label);
    if (!ds) return false;
    // Decimation swaps in a reduced array and keeps the original in _data; append to the original.
    const original = ((ds as unknown as { _data?: Point[] })._data ?? ds.data) as Point[];
    original.push(...points);
    if (original !== ds.data) ds.data = original;
    return true;
  }

  update(): void {
    this.chart.update('none');
  }

  /** Theme switched: rebuild the options with the new colors. */
  retheme(): void {
    this.chart.options = themeOptions(this.xTitle, this.yTitle, this.yRange);
    this.chart.update('none');
  }

  /** The points each series holds (before decimation), for tests and the bench. */
  points(): Record<string, Point[]> {
    const out: Record<string, Point[]> = {};
    for (const ds of this.chart.data.datasets) {
      const original = ((ds as unknown as { _data?: Point[] })._data ?? ds.data) as Point[];
      out[ds.label ?? ''] = original.map((p) => ({ x: p.x, y: p.y }));
    }
    return out;
  }
}

export function lineDataset(label: string, data: Point[], color: string, dash: number[] = []): LineDataset {
  return { label, data, borderColor: color, backgroundColor: color, borderDash: dash, pointRadius: 0, indexAxis: 'x' };
}
