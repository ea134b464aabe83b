/**
 * Messages between the extension host and the metrics panel (webview/metrics). The host sends one
 * `metrics/snapshot` after the panel's `ready`, then only deltas (`metrics/append`, `eval/append`,
 * `run/status`, `compare/table`). Each side parses what it receives with these functions and drops
 * what fails. The panel also shows the table of one `vsml compare` output folder as a heat map
 * (`compare`, VS-ML: Open Compare Results).
 */
import { FieldError, ParseResult, nonEmptyStr, nonNegInt, obj, oneOf, optStr, str, tryParse } from './fields';
import { LogLevel, PanelError, PanelLog, RunSummary, boundedArr, messageType, readJsonValue, readLog, readPanelError, readRunSummary, strArray } from './panel-fields';
import { EvalRow, MetricsRow, Provenance, readEvalRow, readMetricsRow, readProvenance } from './run-records';
import { type CompareTableView, readCompareTableView } from './compare-table';

export type { CompareTableView, LogLevel, RunSummary };

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
  /** What produced the run (status.json's, else config.json's); absent in older runs. */
  readonly provenance?: Provenance;
}

/** What a chart can be saved as: its numbers (CSV), the canvas (PNG) or a vector drawing of it (SVG). */
export const EXPORT_FORMATS = ['csv', 'png', 'svg'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** An exported chart's size cap (a PNG of a 4K canvas as base64 is a few MB; a CSV of 16 runs × 50k points ~30 MB). */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
/** Suggested file names: a plain name, no folders (the host asks where with a save dialog). */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,150}$/;

/**
 * A chart to save: the webview cannot write files, so it posts the content and the host asks for a
 * path (showSaveDialog) and writes it. `data` is the text for csv and svg, base64 for png.
 */
export interface ExportRequest {
  readonly type: 'export/save';
  readonly requestId: number;
  readonly format: ExportFormat;
  readonly fileName: string;
  readonly data: string;
}

export type HostToMetricsMessage =
  /** All runs the workspace has (for the picker), the full data of the selected ones, and the open compare folder's table. */
  | { readonly type: 'metrics/snapshot'; readonly available: readonly RunSummary[]; readonly runs: readonly MetricsRunData[]; readonly compare?: CompareTableView }
  | { readonly type: 'metrics/append'; readonly runId: string; readonly rows: readonly MetricsRow[] }
  | { readonly type: 'eval/append'; readonly runId: string; readonly rows: readonly EvalRow[] }
  | { readonly type: 'run/status'; readonly summary: RunSummary }
  /** The open compare folder's table changed (table.csv written again, appeared or went bad); null: no folder open. */
  | { readonly type: 'compare/table'; readonly compare: CompareTableView | null }
  /** The answer to `export/save`: saved at `path`, cancelled by the user, or failed with `error`. */
  | { readonly type: 'export/done'; readonly requestId: number; readonly outcome: 'saved' | 'cancelled' | 'failed'; readonly path?: string; readonly error?: string }
  | PanelError;

export type MetricsToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'runs/select'; readonly runIds: readonly string[] }
  | ExportRequest
  /** "Open Run Log" on a run of the panel: the host runs vsml.openRunLog with the id. */
  | { readonly type: 'runLog/open'; readonly runId: string }
  /** "Open Compare Results…": the host asks for a compare output folder (the webview cannot browse). */
  | { readonly type: 'compare/open' }
  /** Close the compare table: the host stops watching the folder. */
  | { readonly type: 'compare/close' }
  | PanelLog;

const HOST_TYPES = ['metrics/snapshot', 'metrics/append', 'eval/append', 'run/status', 'compare/table', 'export/done', 'panel/error'] as const;
const PANEL_TYPES = ['ready', 'runs/select', 'export/save', 'runLog/open', 'compare/open', 'compare/close', 'log'] as const;
const EXPORT_OUTCOMES = ['saved', 'cancelled', 'failed'] as const;
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
              ...(ro['provenance'] === undefined ? {} : { provenance: readProvenance(ro['provenance'], `${rp}.provenance`) }),
            };
          }),
          ...(o['compare'] === undefined ? {} : { compare: readCompareTableView(o['compare'], `${p}.compare`) }),
        };
      case 'metrics/append':
        return { type, runId: nonEmptyStr(o, 'runId', p), rows: boundedArr(o, 'rows', p, MAX_ROWS).map((m, j) => readMetricsRow(m, `${p}.rows[${j}]`)) };
      case 'eval/append':
        return { type, runId: nonEmptyStr(o, 'runId', p), rows: boundedArr(o, 'rows', p, MAX_ROWS).map((e, j) => readEvalRow(e, `${p}.rows[${j}]`)) };
      case 'run/status':
        return { type, summary: readRunSummary(o['summary'], `${p}.summary`) };
      case 'compare/table':
        return { type, compare: o['compare'] === null ? null : readCompareTableView(o['compare'], `${p}.compare`) };
      case 'export/done': {
        const path = optStr(o, 'path', p);
        const error = optStr(o, 'error', p);
        return {
          type, requestId: nonNegInt(o, 'requestId', p), outcome: oneOf(o, 'outcome', p, EXPORT_OUTCOMES),
          ...(path !== undefined ? { path } : {}), ...(error !== undefined ? { error: error.slice(0, 2000) } : {}),
        };
      }
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
      case 'export/save': {
        const fileName = str(o, 'fileName', type);
        if (!FILE_NAME.test(fileName)) throw new FieldError(`${type}.fileName`, 'a plain file name (letters, digits, space, ._()+-; no folders)', fileName);
        const data = str(o, 'data', type);
        if (data.length > MAX_EXPORT_CHARS) throw new FieldError(`${type}.data`, `at most ${MAX_EXPORT_CHARS} characters`, `${data.length} characters`);
        const format = oneOf(o, 'format', type, EXPORT_FORMATS);
        if (format === 'png' && !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new FieldError(`${type}.data`, 'base64 PNG bytes', `${data.slice(0, 20)}…`);
        return { type, requestId: nonNegInt(o, 'requestId', type), format, fileName, data };
      }
      case 'runLog/open':
        return { type, runId: nonEmptyStr(o, 'runId', type) };
      case 'compare/open':
      case 'compare/close':
        return { type };
      case 'log':
        return readLog(o, type);
    }
  });
}
