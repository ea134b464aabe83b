/**
 * Types and parsers for the files of a run folder (docs/contracts.md §1) that also travel over the
 * trainer protocol: status.json, metrics.jsonl / eval.jsonl rows and snapshot.json.
 * The engine writes them; the extension, the CLI and the panels read them through these parsers.
 * Parsed objects hold only the documented fields (unknown extra keys are dropped, not trusted).
 */
import {
  type Obj, type ParseResult, FieldError, arr, int, intArray, nonEmptyStr, nonNegInt, num, numArray, numOrNull, obj,
  bool, oneOf, optNum, optStr, posInt, str, tryParse,
} from './fields';

export const RUN_STATES = ['running', 'finished', 'failed', 'stopped'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Which rollout implementation ran, as the trainer reports it. */
export interface RunnerInfo {
  readonly path: string;
  readonly backend: string;
  readonly threads: number;
}

/** The git state of a checkout: HEAD and whether tracked files differ from it (untracked files do not count). */
export interface GitState {
  readonly commit: string;
  /** Absent when `git status` could not say (timed out, failed). */
  readonly dirty?: boolean;
}

/** What the examples of one dataset split hashed to (sha256 of the decoded arrays: shape, values, labels). */
export interface SplitChecksum {
  readonly examples: number;
  readonly sha256: string;
}

/** One dataset a run used: where it loaded from and a checksum per split used ({} for generated tasks). */
export interface DatasetFingerprint {
  readonly source: string;
  readonly splits: Readonly<Record<string, SplitChecksum>>;
}

/**
 * What produced a run (docs/contracts.md §1, "Provenance"): the lab's version and, when it runs
 * from a git checkout, its commit; the git commit of the repository holding the config (the
 * researcher's code); the machine, Node and the runner; and checksums of the data. Written to
 * config.json when the run starts and to status.json by every trainer session (a resume may run
 * elsewhere).
 */
export interface Provenance {
  readonly lab: { readonly version: string } & Partial<GitState>;
  /** The repository holding the config file, when it is in one. */
  readonly workspace?: GitState & { readonly root: string };
  readonly host: string;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly runner?: RunnerInfo & { readonly precision: string };
  readonly datasets: Readonly<Record<string, DatasetFingerprint>>;
  readonly recordedAt: string;
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
  /** What this trainer session ran with (absent in runs written before provenance was recorded). */
  readonly provenance?: Provenance;
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
  /** backprop only: the process's peak resident memory and the largest gradient tape of the step (autodiff tensors or the kernel reverse pass's tape), in MB. */
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

/** Who wrote an eval.jsonl line: absent = the trainer; 'editor' / 'cli' = an evaluation run later (Evaluate, `vsml eval --record`). */
export const EVAL_SOURCES = ['editor', 'cli'] as const;
export type EvalSource = (typeof EVAL_SOURCES)[number];

/** One eval.jsonl line: one evaluation of one dataset. */
export interface EvalRow {
  readonly step: number;
  readonly time: number;
  readonly dataset: string;
  readonly split: string;
  readonly length: number;
  readonly episodes: number;
  readonly methods: Readonly<Record<string, EvalMethodResult>>;
  /** Set on lines recorded after training from a checkpoint (`step` is the checkpoint's). */
  readonly source?: EvalSource;
  /** When a recorded evaluation ran (ISO time; trainer lines have `time`, seconds into the run). */
  readonly recordedAt?: string;
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

function readGit(o: Obj, path: string): Partial<GitState> {
  const commit = optStr(o, 'commit', path);
  if (commit === undefined) return {};
  return { commit, ...(o['dirty'] === undefined ? {} : { dirty: bool(o, 'dirty', path) }) };
}

function readFingerprint(value: unknown, path: string): DatasetFingerprint {
  const o = obj(value, path);
  const so = obj(o['splits'], `${path}.splits`);
  const splits: Record<string, SplitChecksum> = {};
  for (const [name, v] of Object.entries(so)) {
    const p = `${path}.splits.${name}`;
    const c = obj(v, p);
    const sha256 = str(c, 'sha256', p);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FieldError(`${p}.sha256`, '64 hex digits', sha256);
    splits[name] = { examples: nonNegInt(c, 'examples', p), sha256 };
  }
  return { source: str(o, 'source', path), splits };
}

export function readProvenance(value: unknown, path = 'provenance'): Provenance {
  const o = obj(value, path);
  const lab = obj(o['lab'], `${path}.lab`);
  const ws = o['workspace'] === undefined ? undefined : obj(o['workspace'], `${path}.workspace`);
  const runner = o['runner'] === undefined ? undefined : obj(o['runner'], `${path}.runner`);
  const ds = obj(o['datasets'], `${path}.datasets`);
  return {
    lab: { version: str(lab, 'version', `${path}.lab`), ...readGit(lab, `${path}.lab`) },
    ...(ws ? { workspace: { root: str(ws, 'root', `${path}.workspace`), commit: str(ws, 'commit', `${path}.workspace`), ...readGit(ws, `${path}.workspace`) } } : {}),
    host: str(o, 'host', path),
    node: str(o, 'node', path),
    platform: str(o, 'platform', path),
    arch: str(o, 'arch', path),
    ...(runner ? { runner: { ...readRunner(runner, `${path}.runner`), precision: str(runner, 'precision', `${path}.runner`) } } : {}),
    datasets: Object.fromEntries(Object.entries(ds).map(([k, v]) => [k, readFingerprint(v, `${path}.datasets.${k}`)])),
    recordedAt: str(o, 'recordedAt', path),
  };
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
  // Provenance describes the run; a damaged one must not hide the run's state: dropped, not fatal.
  const provenance = o['provenance'] === undefined ? undefined : parseProvenance(o['provenance']);
  return {
    ...status,
    ...(provenance?.ok ? { provenance: provenance.message } : {}),
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
  const source = o['source'] === undefined ? undefined : oneOf(o, 'source', path, EVAL_SOURCES);
  const recordedAt = optStr(o, 'recordedAt', path);
  return {
    step: nonNegInt(o, 'step', path),
    time: num(o, 'time', path),
    dataset: nonEmptyStr(o, 'dataset', path),
    split: str(o, 'split', path),
    length: posInt(o, 'length', path),
    episodes: posInt(o, 'episodes', path),
    methods,
    ...(source !== undefined ? { source } : {}),
    ...(recordedAt !== undefined ? { recordedAt } : {}),
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
export const parseProvenance = (value: unknown): ParseResult<Provenance> => tryParse(() => readProvenance(value));
export const parseRunLock = (value: unknown): ParseResult<RunLockRecord> => tryParse(() => readRunLock(value));
export const parseMetricsRow = (value: unknown): ParseResult<MetricsRow> => tryParse(() => readMetricsRow(value));
export const parseEvalRow = (value: unknown): ParseResult<EvalRow> => tryParse(() => readEvalRow(value));
export const parseSnapshot = (value: unknown): ParseResult<StateSnapshot> => tryParse(() => readSnapshot(value));

/**
 * Identity of an evaluation row: the trainer evaluates each dataset once per step and episode
 * length; a recorded evaluation (editor, CLI) of the same checkpoint is another row, told apart by
 * its source and time.
 */
export function evalRowKey(row: Pick<EvalRow, 'step' | 'dataset' | 'length' | 'source' | 'recordedAt'>): string {
  const base = `${row.step}/${row.dataset}/${row.length}`;
  return row.source === undefined ? base : `${base}/${row.source}@${row.recordedAt ?? ''}`;
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
