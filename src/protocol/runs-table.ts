/**
 * Messages between the extension host and the runs table panel (webview/runs-table). After
 * `ready` the host sends `runs/snapshot`: every run as `vsml runs --json` lists it (one source,
 * src/engine/runs/runs-listing.ts) and the hyperparameter columns; when run folders change it sends
 * `runs/changed` with the same content (the table is one section, re-sent whole). The panel asks
 * for actions on runs, a comparison of selected runs, and edits of a run's notes and tags
 * (`run/annotate`, answered by `run/annotated` with the same requestId).
 */
import { FieldError, type Obj, type ParseResult, nonEmptyStr, nonNegInt, obj, oneOf, optStr, str, tryParse } from './fields';
import { type PanelError, type PanelLog, boundedArr, messageType, readJsonValue, readLog, readPanelError, strArray } from './panel-fields';
import { type RunAnnotations, readAnnotations } from './run-annotations';
import { type BestMetric, RUN_STATES, type RunState, readBest } from './run-records';
import { MAX_SELECTED_RUNS } from './metrics-panel';

/** A run's state as listed: its status's, `failed` when its trainer vanished, `unknown` when unreadable. */
export type ListedState = RunState | 'unknown';
export const LISTED_STATES: readonly ListedState[] = [...RUN_STATES, 'unknown'];

/** One run as `vsml runs --json` prints it (without the folder path, which stays on the host). */
export interface RunRow extends RunAnnotations {
  readonly runId: string;
  readonly state: ListedState;
  readonly step?: number;
  readonly totalSteps?: number;
  readonly best?: BestMetric;
  readonly startedAt?: string;
  /** The .vsml.json the run came from. */
  readonly config?: string;
  /** Why the state is what it is when the run's files cannot be believed or read. */
  readonly problem?: string;
  /** The sweep that made the run (`vsml sweep`), from its config.json. */
  readonly sweep?: string;
  /** Dotted config paths whose value differs between the listed runs → this run's value. */
  readonly params: Readonly<Record<string, unknown>>;
}

export const RUN_ACTIONS = ['open', 'resume', 'evaluate', 'delete', 'stop'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

export interface RunsTableData {
  readonly rows: readonly RunRow[];
  /** The hyperparameter columns (dotted config paths), in order. */
  readonly paramKeys: readonly string[];
}

export type HostToRunsTableMessage =
  | ({ readonly type: 'runs/snapshot' } & RunsTableData)
  | ({ readonly type: 'runs/changed' } & RunsTableData)
  | { readonly type: 'run/annotated'; readonly requestId: number; readonly runId: string; readonly error?: string }
  | PanelError;

export type RunsTableToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'runs/compare'; readonly runIds: readonly string[] }
  | { readonly type: 'run/action'; readonly action: RunAction; readonly runId: string }
  | ({ readonly type: 'run/annotate'; readonly requestId: number; readonly runId: string } & RunAnnotations)
  | PanelLog;

const HOST_TYPES = ['runs/snapshot', 'runs/changed', 'run/annotated', 'panel/error'] as const;
const PANEL_TYPES = ['ready', 'runs/compare', 'run/action', 'run/annotate', 'log'] as const;
export const MAX_RUNS = 10_000;
const MAX_PARAMS = 500;
export const MAX_COMPARED_RUNS = MAX_SELECTED_RUNS;

/** Run ids are folder names: never a path separator, never hidden. */
export function runIdField(o: Obj, key: string, path: string): string {
  const v = nonEmptyStr(o, key, path);
  if (v.length > 200 || !/^[A-Za-z0-9_.-]+$/.test(v) || v.startsWith('.')) throw new FieldError(`${path}.${key}`, 'a run id (a folder name of letters, digits, "_", "." and "-")', v);
  return v;
}

export function readRunRow(value: unknown, path: string): RunRow {
  const o = obj(value, path);
  const params = obj(o['params'], `${path}.params`);
  if (Object.keys(params).length > MAX_PARAMS) throw new FieldError(`${path}.params`, `at most ${MAX_PARAMS} keys`, Object.keys(params).length);
  const config = optStr(o, 'config', path);
  const startedAt = optStr(o, 'startedAt', path);
  const problem = optStr(o, 'problem', path);
  return {
    runId: runIdField(o, 'runId', path),
    state: oneOf(o, 'state', path, LISTED_STATES),
    ...(o['step'] !== undefined ? { step: nonNegInt(o, 'step', path) } : {}),
    ...(o['totalSteps'] !== undefined ? { totalSteps: nonNegInt(o, 'totalSteps', path) } : {}),
    ...(o['best'] !== undefined ? { best: readBest(o['best'], `${path}.best`) } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(problem !== undefined ? { problem: problem.slice(0, 2000) } : {}),
    ...readAnnotations({ notes: o['notes'], tags: o['tags'] }, path),
    params: readJsonValue(params, `${path}.params`) as Record<string, unknown>,
  };
}

function readTableData(o: Obj, path: string): RunsTableData {
  return {
    rows: boundedArr(o, 'rows', path, MAX_RUNS).map((r, i) => readRunRow(r, `${path}.rows[${i}]`)),
    paramKeys: strArray(o, 'paramKeys', path, MAX_PARAMS),
  };
}

export function parseHostToRunsTableMessage(value: unknown): ParseResult<HostToRunsTableMessage> {
  return tryParse((): HostToRunsTableMessage => {
    const { o, type } = messageType(value, HOST_TYPES, 'runs table message');
    switch (type) {
      case 'runs/snapshot':
      case 'runs/changed':
        return { type, ...readTableData(o, type) };
      case 'run/annotated': {
        const error = optStr(o, 'error', type);
        return { type, requestId: nonNegInt(o, 'requestId', type), runId: runIdField(o, 'runId', type), ...(error !== undefined ? { error: error.slice(0, 2000) } : {}) };
      }
      case 'panel/error':
        return readPanelError(o, type);
    }
  });
}

export function parseRunsTableToHostMessage(value: unknown): ParseResult<RunsTableToHostMessage> {
  return tryParse((): RunsTableToHostMessage => {
    const { o, type } = messageType(value, PANEL_TYPES, 'runs table panel message');
    switch (type) {
      case 'ready':
        return { type };
      case 'runs/compare': {
        const runIds = strArray(o, 'runIds', type, MAX_COMPARED_RUNS);
        if (runIds.length === 0) throw new FieldError(`${type}.runIds`, 'at least one run id', runIds);
        runIds.forEach((id, i) => runIdField({ [`runIds[${i}]`]: id }, `runIds[${i}]`, type));
        return { type, runIds };
      }
      case 'run/action':
        return { type, action: oneOf(o, 'action', type, RUN_ACTIONS), runId: runIdField(o, 'runId', type) };
      case 'run/annotate':
        return {
          type,
          requestId: nonNegInt(o, 'requestId', type),
          runId: runIdField(o, 'runId', type),
          ...readAnnotations({ notes: str(o, 'notes', type), tags: o['tags'] }, type),
        };
      case 'log':
        return readLog(o, type);
    }
  });
}
