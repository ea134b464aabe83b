/**
 * Messages between the extension host and the metrics panel (webview/metrics). The host sends one
 * `metrics/snapshot` after the panel's `ready`, then only deltas (`metrics/append`, `eval/append`,
 * `run/status`). Each side parses what it receives with these functions and drops what fails.
 */
import { ParseResult, nonEmptyStr, nonNegInt, obj, tryParse } from './fields';
import { LogLevel, PanelError, PanelLog, RunSummary, boundedArr, messageType, readJsonValue, readLog, readPanelError, readRunSummary, strArray } from './panel-fields';
import { EvalRow, MetricsRow, readEvalRow, readMetricsRow } from './run-records';

export type { LogLevel, RunSummary };

/** Everything the panel holds about one run. */
export interface MetricsRunData {
  readonly summary: RunSummary;
  /** The run's resolved config.json (for the config comparison); null when unreadable. */
  readonly config: unknown;
  readonly metrics: readonly MetricsRow[];
  readonly evals: readonly EvalRow[];
  /**
   * Rows in the run's metrics.jsonl. More than `metrics.length` when the host downsampled a long
   * run for the chart (min/max per bucket: the first and last row and every value's extremes kept).
   */
  readonly metricsRowCount: number;
}

export type HostToMetricsMessage =
  /** All runs the workspace has (for the picker) and the full data of the selected ones. */
  | { readonly type: 'metrics/snapshot'; readonly available: readonly RunSummary[]; readonly runs: readonly MetricsRunData[] }
  | { readonly type: 'metrics/append'; readonly runId: string; readonly rows: readonly MetricsRow[] }
  | { readonly type: 'eval/append'; readonly runId: string; readonly rows: readonly EvalRow[] }
  | { readonly type: 'run/status'; readonly summary: RunSummary }
  | PanelError;

export type MetricsToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'runs/select'; readonly runIds: readonly string[] }
  | PanelLog;

const HOST_TYPES = ['metrics/snapshot', 'metrics/append', 'eval/append', 'run/status', 'panel/error'] as const;
const PANEL_TYPES = ['ready', 'runs/select', 'log'] as const;
/**
 * Rows in one message. The host downsamples a run's metrics for the snapshot (at most ~16k rows
 * per run, src/extension/panels/metrics-downsample.ts) and re-snapshots instead of sending a
 * larger append.
 */
export const MAX_ROWS = 200_000;
/** Runs overlaid at once. */
export const MAX_SELECTED_RUNS = 16;

export function parseHostToMetricsMessage(value: unknown): ParseResult<HostToMetricsMessage> {
  return tryParse((): HostToMetricsMessage => {
    const { o, type } = messageType(value, HOST_TYPES, 'metrics message');
    const p = type;
    switch (type) {
      case 'metrics/snapshot':
        return {
          type,
          available: boundedArr(o, 'available', p, 10_000).map((r, i) => readRunSummary(r, `${p}.available[${i}]`)),
          runs: boundedArr(o, 'runs', p, MAX_SELECTED_RUNS).map((r, i) => {
            const rp = `${p}.runs[${i}]`;
            const ro = obj(r, rp);
            return {
              summary: readRunSummary(ro['summary'], `${rp}.summary`),
              config: readJsonValue(ro['config'], `${rp}.config`),
              metrics: boundedArr(ro, 'metrics', rp, MAX_ROWS).map((m, j) => readMetricsRow(m, `${rp}.metrics[${j}]`)),
              evals: boundedArr(ro, 'evals', rp, MAX_ROWS).map((e, j) => readEvalRow(e, `${rp}.evals[${j}]`)),
              metricsRowCount: nonNegInt(ro, 'metricsRowCount', rp),
            };
          }),
        };
      case 'metrics/append':
        return { type, runId: nonEmptyStr(o, 'runId', p), rows: boundedArr(o, 'rows', p, MAX_ROWS).map((m, j) => readMetricsRow(m, `${p}.rows[${j}]`)) };
      case 'eval/append':
        return { type, runId: nonEmptyStr(o, 'runId', p), rows: boundedArr(o, 'rows', p, MAX_ROWS).map((e, j) => readEvalRow(e, `${p}.rows[${j}]`)) };
      case 'run/status':
        return { type, summary: readRunSummary(o['summary'], `${p}.summary`) };
      case 'panel/error':
        return readPanelError(o, p);
    }
  });
}

export function parseMetricsToHostMessage(value: unknown): ParseResult<MetricsToHostMessage> {
  return tryParse((): MetricsToHostMessage => {
    const { o, type } = messageType(value, PANEL_TYPES, 'metrics panel message');
    switch (type) {
      case 'ready':
        return { type };
      case 'runs/select':
        return { type, runIds: strArray(o, 'runIds', type, MAX_SELECTED_RUNS) };
      case 'log':
        return readLog(o, type);
    }
  });
}
