/**
 * chart.js line charts set up for large, live series: no animation, pre-parsed {x, y} points
 * (parsing: false), linear x axes, and the decimation plugin (min-max keeps every peak visible),
 * so 50,000 points per series stay responsive. Colors come from the VS Code theme.
 * A chart may zoom and pan (chartjs-plugin-zoom: drag a box to zoom, Shift+drag to pan,
 * Ctrl+wheel to zoom), switch its y axis to a log scale, and hand out what it shows for export.
 */
import {
  Chart, Decimation, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Title, Tooltip,
  type ChartDataset, type ChartOptions,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { cssVar } from '../shared/theme';
import type { Point } from './model';
import type { ChartPicture, ShownSeries } from './chart-export';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Decimation, Title, zoomPlugin);

/** The panel's background, for exported images (a transparent PNG is unreadable on the other theme). */
export const backgroundColor = (): string => cssVar('--vscode-editor-background', cssVar('--vscode-sideBar-background', '#1e1e1e'));
const foregroundColor = (): string => cssVar('--vscode-foreground', '#cccccc');
const gridColor = (): string => cssVar('--vscode-editorWidget-border', cssVar('--vscode-widget-border', '#8884'));

export type LineDataset = ChartDataset<'line', Point[]>;

/** Colors for runs: VS Code's chart palette variables where the theme has them. */
export function runColor(i: number): string {
  const vars = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
  const fallback = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
  return cssVar(vars[i % vars.length], fallback[i % fallback.length]);
}

/** Dash patterns tell datasets (or methods) apart within one run's color. */
export const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3]];

export interface LineChartOptions {
  /** Zoom (drag a box, Ctrl+wheel, pinch) and pan (Shift+drag); the meta-loss chart has it. */
  readonly zoom?: boolean;
}

function zoomOptions(grid: string) {
  return {
    zoom: { drag: { enabled: true, backgroundColor: `${grid}`, borderWidth: 1 }, wheel: { enabled: true, modifierKey: 'ctrl' as const }, pinch: { enabled: true }, mode: 'xy' as const },
    pan: { enabled: true, mode: 'xy' as const, modifierKey: 'shift' as const },
  };
}

function themeOptions(xTitle: string, yTitle: string, yRange?: { min: number; max: number }, logY = false, zoom = false): ChartOptions<'line'> {
  const fg = foregroundColor();
  const grid = gridColor();
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
      ...(zoom ? { zoom: zoomOptions(grid) } : {}),
    },
    // The x axes (meta-step, examples seen) count whole things; relative time does not.
    scales: {
      x: { ...axis(xTitle), ticks: { color: fg, ...(xTitle.startsWith('relative time') ? {} : { precision: 0 }) } },
      y: logY ? { ...axis(yTitle), type: 'logarithmic' as const } : { ...axis(yTitle), ...(yRange ?? {}) },
    },
  };
}

export class LineChart {
  readonly chart: Chart<'line', Point[]>;
  private logY = false;

  constructor(canvas: HTMLCanvasElement, private xTitle: string, private readonly yTitle: string, private readonly yRange?: { min: number; max: number }, private readonly opts: LineChartOptions = {}) {
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: this.options() });
  }

  private options(): ChartOptions<'line'> {
    return themeOptions(this.xTitle, this.yTitle, this.yRange, this.logY, this.opts.zoom === true);
  }

  get xAxisTitle(): string {
    return this.xTitle;
  }

  get yAxisTitle(): string {
    return this.yTitle;
  }

  /** Log or linear y axis; another x axis title (step / relative time). Resets the zoom: the ranges mean other things now. */
  configure(c: { logY: boolean; xTitle: string }): void {
    if (c.logY === this.logY && c.xTitle === this.xTitle) return;
    this.logY = c.logY;
    this.xTitle = c.xTitle;
    if (this.opts.zoom) this.chart.resetZoom('none');
    this.chart.options = this.options();
    this.chart.update('none');
  }

  resetZoom(): void {
    if (this.opts.zoom) this.chart.resetZoom('none');
  }

  isZoomed(): boolean {
    return this.opts.zoom === true && this.chart.isZoomedOrPanned();
  }

  /** The x range on screen (after zoom or pan). */
  visibleX(): { min: number; max: number } {
    const x = this.chart.scales.x;
    return { min: x.min, max: x.max };
  }

  /**
   * What the chart shows, for CSV export: every visible series (not hidden from the legend) with its
   * full-resolution points inside the x range on screen (decimation only thins the drawing), and on
   * a log axis only the positive values it can draw.
   */
  shownSeries(): ShownSeries[] {
    const { min, max } = this.visibleX();
    return this.chart.data.datasets.flatMap((ds, i) => {
      if (!this.chart.isDatasetVisible(i)) return [];
      const original = ((ds as unknown as { _data?: Point[] })._data ?? ds.data) as Point[];
      const points = original.filter((p) => p.x >= min && p.x <= max && (!this.logY || p.y > 0)).map((p) => ({ x: p.x, y: p.y }));
      return [{ label: ds.label ?? '', points }];
    });
  }

  /** The chart as chart.js laid it out (plot area, ticks, the drawn points in pixels), for the SVG export. */
  picture(): ChartPicture {
    const c = this.chart;
    const { x, y } = c.scales;
    const ticks = (scale: typeof x, horizontal: boolean) => scale.ticks
      .map((t, i) => ({ at: horizontal ? scale.getPixelForTick(i) : scale.getPixelForTick(i), label: String(Array.isArray(t.label) ? t.label.join(' ') : (t.label ?? '')) }))
      .filter((t) => Number.isFinite(t.at));
    return {
      width: c.width,
      height: c.height,
      background: backgroundColor(),
      foreground: foregroundColor(),
      grid: gridColor(),
      area: { left: c.chartArea.left, top: c.chartArea.top, right: c.chartArea.right, bottom: c.chartArea.bottom },
      xTicks: ticks(x, true),
      yTicks: ticks(y, false),
      xTitle: this.xTitle,
      yTitle: this.yTitle,
      series: c.data.datasets.flatMap((ds, i) => {
        if (!c.isDatasetVisible(i)) return [];
        // The drawn (decimated) points: the SVG looks like the canvas at a size a paper can hold.
        const pixels = (ds.data as Point[]).map((p) => (this.logY && p.y <= 0 ? [NaN, NaN] as const : [x.getPixelForValue(p.x), y.getPixelForValue(p.y)] as const));
        return [{ label: ds.label ?? '', color: String(ds.borderColor ?? foregroundColor()), dash: (ds.borderDash as number[] | undefined) ?? [], pixels }];
      }),
    };
  }

  /** The canvas as PNG bytes (base64), painted over the theme's background. */
  pngBase64(): string {
    const src = this.chart.canvas;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const g = out.getContext('2d')!;
    g.fillStyle = backgroundColor();
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(src, 0, 0);
    return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
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
    this.chart.options = this.options();
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
