/**
 * Types and parsers for the files of a run folder (docs/contracts.md §1) that also travel over the
 * trainer protocol: status.json, metrics.jsonl / eval.jsonl rows and snapshot.json.
 * The engine writes them; the extension, the CLI and the panels read them through these parsers.
 * Parsed objects hold only the documented fields (unknown extra keys are dropped, not trusted).
 */
import {
  type Obj, type ParseResult, FieldError, arr, int, intArray, nonEmptyStr, nonNegInt, num, numArray, numOrNull, obj,
  oneOf, optNum, optStr, posInt, str, tryParse,
} from './fields';

export const RUN_STATES = ['running', 'finished', 'failed', 'stopped'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Which rollout implementation ran, as the trainer reports it. */
export interface RunnerInfo {
  readonly path: string;
  readonly backend: string;
  readonly threads: number;
}

export interface BestMetric {
  readonly metric: string;
  readonly value: number;
  readonly step: number;
}

/** status.json of a run folder. */
export interface RunStatus {
  readonly state: RunState;
  readonly runId: string;
  readonly name: string;
  readonly source: string;
  readonly pid: number;
  /** The machine the trainer runs on (os.hostname()) and its boot id, for liveness (absent in older runs). */
  readonly host?: string;
  readonly bootId?: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly elapsedSeconds: number;
  /** Absent while the trainer has not chosen its rollout path yet. */
  readonly runner?: RunnerInfo;
  readonly best?: BestMetric;
  readonly error?: string;
}

/**
 * run.lock of a run folder: which trainer owns the run. Created exclusively when a trainer starts or
 * resumes, its heartbeat rewritten every few seconds while it trains, removed when it ends.
 */
export interface RunLockRecord {
  readonly host: string;
  readonly pid: number;
  /** /proc/sys/kernel/random/boot_id where it exists: tells a reboot (every pid gone) from a live machine. */
  readonly bootId?: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
}

/** One metrics.jsonl line (one meta-step). Measured values are null when they were not finite. */
export interface MetricsRow {
  readonly step: number;
  readonly time: number;
  readonly metaLoss: number | null;
  /** ES only: the losses of the + and − halves of the population (absent for other meta-optimizers). */
  readonly lossPos?: number | null;
  readonly lossNeg?: number | null;
  /** backprop only: the process's peak resident memory and the largest autodiff tape of the step, in MB. */
  readonly peakRssMB?: number | null;
  readonly tapeMB?: number | null;
  readonly trainAccuracy: number | null;
  readonly gradNorm: number | null;
  readonly thetaNorm: number | null;
  readonly stepSeconds: number;
}

/** The methods the engine evaluates ('teacher': the online-backprop teacher of a clone run; an eval.jsonl line may hold any subset; readers accept other names). */
export const METHOD_NAMES = ['learned', 'untrained', 'sgd', 'adam', 'teacher'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** One method's result inside an eval.jsonl line. */
export interface EvalMethodResult {
  readonly meanAccuracy: number;
  readonly finalAccuracy: number;
  readonly meanLoss: number | null;
  /** [T]: online accuracy at inner step t, averaged over the episodes. */
  readonly curve: readonly number[];
  /** The tuned learning rate, for the sgd/adam baselines. */
  readonly lr?: number;
  /** Which trained model a learned result used, when the engine says. */
  readonly model?: string;
}

/** One eval.jsonl line: one evaluation of one dataset. */
export interface EvalRow {
  readonly step: number;
  readonly time: number;
  readonly dataset: string;
  readonly split: string;
  readonly length: number;
  readonly episodes: number;
  readonly methods: Readonly<Record<string, EvalMethodResult>>;
}

/** LSTM states of one layer at one frame: base64 of little-endian float32 [A, B, N]. */
export interface SnapshotLayer {
  readonly h: string;
  readonly c: string;
}

export interface SnapshotFrame {
  readonly t: number;
  readonly layers: readonly SnapshotLayer[];
  readonly label: number;
  readonly prediction: number;
}

/** snapshot.json: the states of one evaluation episode, for the graph panel. */
export interface StateSnapshot {
  readonly step: number;
  readonly layerSizes: readonly number[];
  readonly slowSize: number;
  readonly msgSize: number;
  readonly dataset: string;
  readonly innerSteps: readonly number[];
  readonly frames: readonly SnapshotFrame[];
  /** A cloned learning algorithm (`vsml clone`): the c channel that holds each cell's weight. */
  readonly weightChannel?: number;
}

export function readRunner(value: unknown, path: string): RunnerInfo {
  const o = obj(value, path);
  return { path: str(o, 'path', path), backend: str(o, 'backend', path), threads: nonNegInt(o, 'threads', path) };
}

export function readBest(value: unknown, path: string): BestMetric {
  const o = obj(value, path);
  return { metric: nonEmptyStr(o, 'metric', path), value: num(o, 'value', path), step: nonNegInt(o, 'step', path) };
}

export function readRunStatus(value: unknown, path = 'status'): RunStatus {
  const o = obj(value, path);
  const status: RunStatus = {
    state: oneOf(o, 'state', path, RUN_STATES),
    runId: nonEmptyStr(o, 'runId', path),
    name: str(o, 'name', path),
    source: str(o, 'source', path),
    pid: nonNegInt(o, 'pid', path),
    startedAt: str(o, 'startedAt', path),
    updatedAt: str(o, 'updatedAt', path),
    step: nonNegInt(o, 'step', path),
    totalSteps: nonNegInt(o, 'totalSteps', path),
    elapsedSeconds: num(o, 'elapsedSeconds', path),
  };
  const runner = o['runner'] === undefined ? undefined : readRunner(o['runner'], `${path}.runner`);
  const endedAt = optStr(o, 'endedAt', path);
  const best = o['best'] === undefined || o['best'] === null ? undefined : readBest(o['best'], `${path}.best`);
  const error = optStr(o, 'error', path);
  const host = optStr(o, 'host', path);
  const bootId = optStr(o, 'bootId', path);
  return {
    ...status,
    ...(host !== undefined ? { host } : {}),
    ...(bootId !== undefined ? { bootId } : {}),
    ...(runner !== undefined ? { runner } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
    ...(best !== undefined ? { best } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

export function readRunLock(value: unknown, path = 'lock'): RunLockRecord {
  const o = obj(value, path);
  const bootId = optStr(o, 'bootId', path);
  return {
    host: str(o, 'host', path),
    pid: nonNegInt(o, 'pid', path),
    ...(bootId !== undefined ? { bootId } : {}),
    startedAt: str(o, 'startedAt', path),
    heartbeatAt: str(o, 'heartbeatAt', path),
  };
}

export function readMetricsRow(value: unknown, path = 'metrics'): MetricsRow {
  const o = obj(value, path);
  return {
    step: nonNegInt(o, 'step', path),
    time: num(o, 'time', path),
    metaLoss: numOrNull(o, 'metaLoss', path),
    ...(o.lossPos === undefined ? {} : { lossPos: numOrNull(o, 'lossPos', path) }),
    ...(o.lossNeg === undefined ? {} : { lossNeg: numOrNull(o, 'lossNeg', path) }),
    ...(o.peakRssMB === undefined ? {} : { peakRssMB: numOrNull(o, 'peakRssMB', path) }),
    ...(o.tapeMB === undefined ? {} : { tapeMB: numOrNull(o, 'tapeMB', path) }),
    trainAccuracy: numOrNull(o, 'trainAccuracy', path),
    gradNorm: numOrNull(o, 'gradNorm', path),
    thetaNorm: numOrNull(o, 'thetaNorm', path),
    stepSeconds: num(o, 'stepSeconds', path),
  };
}

function readMethod(value: unknown, path: string): EvalMethodResult {
  const o = obj(value, path);
  const lr = optNum(o, 'lr', path);
  const model = optStr(o, 'model', path);
  return {
    meanAccuracy: num(o, 'meanAccuracy', path),
    finalAccuracy: num(o, 'finalAccuracy', path),
    meanLoss: numOrNull(o, 'meanLoss', path),
    curve: numArray(o, 'curve', path),
    ...(lr !== undefined ? { lr } : {}),
    ...(model !== undefined ? { model } : {}),
  };
}

export function readEvalRow(value: unknown, path = 'eval'): EvalRow {
  const o = obj(value, path);
  const methodsObj = obj(o['methods'], `${path}.methods`);
  const methods: Record<string, EvalMethodResult> = {};
  for (const [name, m] of Object.entries(methodsObj)) methods[name] = readMethod(m, `${path}.methods.${name}`);
  return {
    step: nonNegInt(o, 'step', path),
    time: num(o, 'time', path),
    dataset: nonEmptyStr(o, 'dataset', path),
    split: str(o, 'split', path),
    length: posInt(o, 'length', path),
    episodes: posInt(o, 'episodes', path),
    methods,
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64(o: Obj, key: string, path: string): string {
  const v = str(o, key, path);
  if (v.length % 4 !== 0 || !BASE64.test(v)) throw new FieldError(`${path}.${key}`, 'base64 text', v);
  return v;
}

export function readSnapshot(value: unknown, path = 'snapshot'): StateSnapshot {
  const o = obj(value, path);
  const layerSizes = intArray(o, 'layerSizes', path, 1);
  if (layerSizes.length < 2) throw new FieldError(`${path}.layerSizes`, 'at least [input, output]', layerSizes);
  const frames = arr(o, 'frames', path).map((f, i): SnapshotFrame => {
    const fp = `${path}.frames[${i}]`;
    const fo = obj(f, fp);
    const layers = arr(fo, 'layers', fp).map((l, j): SnapshotLayer => {
      const lo = obj(l, `${fp}.layers[${j}]`);
      return { h: base64(lo, 'h', `${fp}.layers[${j}]`), c: base64(lo, 'c', `${fp}.layers[${j}]`) };
    });
    if (layers.length !== layerSizes.length - 1) {
      throw new FieldError(`${fp}.layers`, `${layerSizes.length - 1} layers (one per layerSizes pair)`, layers.length);
    }
    return { t: nonNegInt(fo, 't', fp), layers, label: int(fo, 'label', fp), prediction: int(fo, 'prediction', fp) };
  });
  return {
    step: nonNegInt(o, 'step', path),
    layerSizes,
    slowSize: posInt(o, 'slowSize', path),
    msgSize: posInt(o, 'msgSize', path),
    dataset: str(o, 'dataset', path),
    innerSteps: intArray(o, 'innerSteps', path, 0),
    frames,
    ...readWeightChannel(o, path),
  };
}

function readWeightChannel(o: Obj, path: string): { weightChannel?: number } {
  if (o['weightChannel'] === undefined) return {};
  const k = nonNegInt(o, 'weightChannel', path);
  const N = posInt(o, 'slowSize', path);
  if (k >= N) throw new FieldError(`${path}.weightChannel`, `a state channel in [0, ${N})`, k);
  return { weightChannel: k };
}

export const parseRunStatus = (value: unknown): ParseResult<RunStatus> => tryParse(() => readRunStatus(value));
export const parseRunLock = (value: unknown): ParseResult<RunLockRecord> => tryParse(() => readRunLock(value));
export const parseMetricsRow = (value: unknown): ParseResult<MetricsRow> => tryParse(() => readMetricsRow(value));
export const parseEvalRow = (value: unknown): ParseResult<EvalRow> => tryParse(() => readEvalRow(value));
export const parseSnapshot = (value: unknown): ParseResult<StateSnapshot> => tryParse(() => readSnapshot(value));

/** Identity of an evaluation row: a run evaluates each dataset once per step and episode length. */
export function evalRowKey(row: Pick<EvalRow, 'step' | 'dataset' | 'length'>): string {
  return `${row.step}/${row.dataset}/${row.length}`;
}

/**
 * stop-request.json of a run folder: someone (the editor, `vsml stop`) asks the trainer of this run
 * to stop at its next step boundary, wherever it was started. The trainer removes it when it ends.
 */
export interface StopRequest {
  readonly requestedAt: string;
  /** Who asked, for the log: `vsml stop (user@host pid 12)`, `VS-ML Lab runs table (host pid 34)`. */
  readonly by: string;
}

export function readStopRequest(value: unknown, path = 'stopRequest'): StopRequest {
  const o = obj(value, path);
  return { requestedAt: str(o, 'requestedAt', path), by: str(o, 'by', path).slice(0, 200) };
}
