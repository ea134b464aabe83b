/**
 * The metrics panel's data: the selected runs' rows, kept in step order, and the series the charts
 * draw, extracted as {x, y} points. Pure (no DOM): the charts are drawn from these and the tests
 * compare against them.
 */
import type { MetricsRunData, RunSummary } from '../../src/protocol/metrics-panel';
import { evalRowKey, type EvalRow, type MetricsRow, type Provenance } from '../../src/protocol/run-records';

export interface Point {
  x: number;
  y: number;
}

export interface RunStore {
  summary: RunSummary;
  config: unknown;
  metrics: MetricsRow[];
  /** The trainer's evaluations (charted against meta-step). */
  evals: EvalRow[];
  /** Evaluations recorded later from a checkpoint (editor, `vsml eval --record`): listed in their own table. */
  recorded: EvalRow[];
  provenance?: Provenance;
  /** Rows the run's metrics.jsonl holds; more than metrics.length when the host downsampled it. */
  rowCount: number;
}

export const METRIC_KEYS = ['metaLoss', 'trainAccuracy', 'lossPos', 'lossNeg', 'gradNorm', 'thetaNorm', 'stepSeconds'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export const METHODS = ['learned', 'untrained', 'sgd', 'adam'] as const;
export type AccuracyKey = 'meanAccuracy' | 'finalAccuracy';

export function storeFrom(run: MetricsRunData): RunStore {
  return {
    summary: run.summary, config: run.config, metrics: [...run.metrics].sort((a, b) => a.step - b.step),
    evals: run.evals.filter((e) => e.source === undefined), recorded: run.evals.filter((e) => e.source !== undefined),
    rowCount: run.metricsRowCount, ...(run.provenance ? { provenance: run.provenance } : {}),
  };
}

/** Appends rows newer than the last one held (the host dedupes too; a replayed message must not double points). */
export function appendMetrics(store: RunStore, rows: readonly MetricsRow[]): MetricsRow[] {
  const last = store.metrics.length ? store.metrics[store.metrics.length - 1].step : -1;
  const fresh = rows.filter((r) => r.step > last).sort((a, b) => a.step - b.step);
  store.metrics.push(...fresh);
  store.rowCount += fresh.length;
  return fresh;
}

export function appendEvals(store: RunStore, rows: readonly EvalRow[]): EvalRow[] {
  const have = new Set([...store.evals, ...store.recorded].map(evalRowKey));
  const fresh = rows.filter((r) => !have.has(evalRowKey(r)));
  for (const r of fresh) (r.source === undefined ? store.evals : store.recorded).push(r);
  return fresh;
}

/** Every selected run's recorded evaluations, newest first, with the run they belong to. */
export function recordedEvaluations(stores: readonly RunStore[]): { runId: string; row: EvalRow }[] {
  return stores.flatMap((s) => s.recorded.map((row) => ({ runId: s.summary.runId, row })))
    .sort((a, b) => (b.row.recordedAt ?? '').localeCompare(a.row.recordedAt ?? ''));
}

/** How the chart's rows relate to the file's, when the host downsampled them ('' otherwise). */
export function downsampleNote(store: RunStore): string {
  return store.rowCount > store.metrics.length
    ? `chart shows ${store.metrics.length.toLocaleString('en-US')} of ${store.rowCount.toLocaleString('en-US')} meta-steps (min/max per bucket)`
    : '';
}

/** The meta-loss chart's x axis: meta-step, or wall-clock time since the run started (TensorBoard's "relative"). */
export type XAxis = 'step' | 'time';

/** A unit for relative time that keeps the axis' numbers readable. */
export function timeUnit(maxSeconds: number): { divisor: number; name: string } {
  if (maxSeconds > 2 * 3600) return { divisor: 3600, name: 'h' };
  if (maxSeconds > 120) return { divisor: 60, name: 'min' };
  return { divisor: 1, name: 's' };
}

/** y of one metric against meta-step (or `time / timeDivisor`); steps whose value was not finite (null) are left out. */
export function metricSeries(store: RunStore, key: MetricKey, x: XAxis = 'step', timeDivisor = 1): Point[] {
  const out: Point[] = [];
  for (const r of store.metrics) {
    const y = r[key];
    if (typeof y === 'number') out.push({ x: x === 'step' ? r.step : r.time / timeDivisor, y });
  }
  return out;
}

/**
 * TensorBoard's scalar smoothing: an exponential moving average with weight `w` in [0, 1)
 * (0 = raw), debiased so the first points are not pulled toward 0:
 * `last = w·last + (1−w)·y`, shown as `last / (1 − w^n)` after n points.
 */
export function emaSmooth(points: readonly Point[], w: number): Point[] {
  if (!(w > 0)) return points.map((p) => ({ ...p }));
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return { ...p };
    last = last * w + (1 - w) * p.y;
    n++;
    return { x: p.x, y: last / (1 - w ** n) };
  });
}

/**
 * The run's evaluation series: one per dataset, or one per dataset and episode length when the
 * run evaluates it at several lengths (`evaluation.lengths`), keyed "mnist T=500".
 */
export function datasetsOf(store: RunStore): string[] {
  const lengths = new Map<string, Set<number>>();
  for (const e of store.evals) {
    if (!lengths.has(e.dataset)) lengths.set(e.dataset, new Set());
    lengths.get(e.dataset)!.add(e.length);
  }
  return [...lengths].flatMap(([d, ls]) => (ls.size > 1 ? [...ls].sort((a, b) => a - b).map((l) => `${d} T=${l}`) : [d]));
}

/** Whether an evaluation row belongs to a series key of datasetsOf. */
const inSeries = (e: EvalRow, key: string): boolean => e.dataset === key || `${e.dataset} T=${e.length}` === key;

/** Evaluation accuracy of one method on one dataset (series key) against meta-step. */
export function evalSeries(store: RunStore, dataset: string, method: string, key: AccuracyKey): Point[] {
  return store.evals
    .filter((e) => inSeries(e, dataset) && e.methods[method] !== undefined)
    .map((e) => ({ x: e.step, y: e.methods[method][key] }))
    .sort((a, b) => a.x - b.x);
}

/** Steps at which a dataset was evaluated (for the inner-curve picker). */
export function evalSteps(store: RunStore, dataset: string): number[] {
  return [...new Set(store.evals.filter((e) => inSeries(e, dataset)).map((e) => e.step))].sort((a, b) => a - b);
}

/**
 * The inner learning curve of a method: online accuracy against examples seen (t + 1).
 * The learned and untrained LAs come from the evaluation at `step`; baselines are computed once
 * per dataset and length, so they come from the newest evaluation at or before `step` that has them.
 */
export function innerCurve(store: RunStore, dataset: string, step: number, method: string): Point[] {
  const rows = store.evals.filter((e) => inSeries(e, dataset) && e.step <= step).sort((a, b) => b.step - a.step);
  const at = rows.find((e) => e.step === step);
  const row = method === 'learned' || method === 'untrained' ? at : rows.find((e) => e.methods[method] && (!at || e.length === at.length));
  const curve = row?.methods[method]?.curve;
  return curve ? curve.map((y, t) => ({ x: t + 1, y })) : [];
}

/**
 * Centered moving average over `window` points (odd; 1 = unchanged). Inner curves averaged over a
 * few episodes are noisy step to step; smoothing is a view choice, the held points stay raw.
 */
export function smooth(points: readonly Point[], window: number): Point[] {
  if (window <= 1) return points.map((p) => ({ ...p }));
  const half = Math.floor(window / 2);
  return points.map((p, i) => {
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(points.length - 1, i + half); j++) {
      s += points[j].y;
      n++;
    }
    return { x: p.x, y: s / n };
  });
}
