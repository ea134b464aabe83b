import { lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join, basename, dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors';
import { writeFileAtomic, JsonlAppender, readJsonl, readRegularFile, assertRegularOrMissing, unsafePathError } from './atomic-file';
import { Checkpoint, parseCheckpoint, serializeCheckpoint } from './checkpoint';
import type { EvalRow, MetricsRow, RunStatus, StopRequest } from '../../protocol/run-records';
import { STOP_REQUEST_FILE, readStopRequestFile, removeStopRequestFile } from './stop-request';

/** `<name>-<YYYYMMDD-HHMMSS>-<4 hex>`: sortable by start time and unique. */
export function makeRunId(name: string, now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'run';
  return `${safe}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The files of a run folder the engine writes (docs/contracts.md §1); `checkpoints/` holds the step files. */
export const RUN_FILE_NAMES = [
  'config.json', 'status.json', 'metrics.jsonl', 'eval.jsonl', 'metrics.jsonl.before-resume', 'eval.jsonl.before-resume',
  'snapshot.json', 'trainer.log', 'run.lock', 'stop-request.json', 'annotations.json',
] as const;
export const CHECKPOINTS_DIR = 'checkpoints';
const STEP_FILE = /^step-\d+\.json$/;

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Refuses `dir` unless it is a real folder (not a symlink to one). */
function assertRealDir(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if (isMissing(e)) throw new EngineError('', 'does not exist', 'pass a folder under .vsml/runs/', dir);
    throw e;
  }
  if (st.isSymbolicLink()) throw unsafePathError(dir, 'a symbolic link');
  if (!st.isDirectory()) throw new EngineError('', 'is not a folder', 'pass a folder under .vsml/runs/', dir);
}

/**
 * Checks a run folder before the engine writes in it: the folder itself and `checkpoints/` are
 * real folders, and no name the engine writes (nor a step file) is a symlink or special file.
 * A run folder committed to a repository with a link at one of these names is refused as a whole,
 * naming the link, before anything is written.
 */
export function assertSafeRunFolder(dir: string): void {
  assertRealDir(dir);
  for (const name of RUN_FILE_NAMES) assertRegularOrMissing(join(dir, name));
  const ckpts = join(dir, CHECKPOINTS_DIR);
  if (!lstatSync(ckpts, { throwIfNoEntry: false })) return;
  assertRealDir(ckpts);
  for (const f of readdirSync(ckpts)) if (f === 'latest.json' || STEP_FILE.test(f)) assertRegularOrMissing(join(ckpts, f));
}

/**
 * One run's folder (docs/contracts.md §1). The engine is the only writer; every write is
 * either atomic (status, config, checkpoints) or a single appended line (metrics, eval), so
 * a SIGKILL at any moment leaves a folder every reader can open. Every path written is built
 * from the folder's real path and checked to stay inside it; no write follows a symlink.
 */
export class RunFolder {
  readonly metrics: JsonlAppender;
  readonly evals: JsonlAppender;
  /** trainer.log: plain lines, appended like the jsonl files (no symlink followed). */
  private readonly log: JsonlAppender;
  private status: RunStatus | undefined;
  /** realpath of `dir`: the folder every write lands in, whatever links lead to it. */
  private readonly root: string;

  private constructor(readonly dir: string) {
    assertSafeRunFolder(dir);
    this.root = realpathSync(dir);
    this.metrics = new JsonlAppender(this.file('metrics.jsonl'));
    this.evals = new JsonlAppender(this.file('eval.jsonl'));
    this.log = new JsonlAppender(this.file('trainer.log'));
  }

  get runId(): string {
    return basename(this.dir);
  }

  /**
   * The absolute path of a file of this run, checked to lie inside the run folder: `rel` is one of
   * the engine's names or `checkpoints/<name>`, and `checkpoints/` must be a real folder.
   */
  file(rel: string): string {
    const full = resolve(this.root, rel);
    const parent = dirname(full);
    if (parent !== this.root && parent !== join(this.root, CHECKPOINTS_DIR))
      throw new EngineError('', `is outside the run folder ${this.root}`, 'report this as a bug', full);
    if (parent !== this.root) assertRealDir(parent);
    return full;
  }

  static create(runsDir: string, name: string, resolvedConfig: unknown, now = new Date()): RunFolder {
    mkdirSync(runsDir, { recursive: true });
    const dir = join(runsDir, makeRunId(name, now));
    mkdirSync(dir); // not recursive: a run folder is always new, never an existing one (or a link)
    mkdirSync(join(dir, CHECKPOINTS_DIR));
    const run = new RunFolder(dir);
    writeFileAtomic(run.file('config.json'), `${JSON.stringify(resolvedConfig, null, 2)}\n`);
    return run;
  }

  /** Opens an existing run for resuming; the folder must hold a config, and no planted links. */
  static open(dir: string): RunFolder {
    assertRealDir(dir);
    if (!lstatSync(join(dir, 'config.json'), { throwIfNoEntry: false })) throw new EngineError('', 'is not a run folder (no config.json)', 'pass a folder under .vsml/runs/', dir);
    return new RunFolder(dir);
  }

  readConfig(): unknown {
    const buf = readRegularFile(this.file('config.json'));
    if (!buf) throw new EngineError('', 'is missing', 'pass a run folder written by vsml', this.file('config.json'));
    return JSON.parse(buf.toString('utf8'));
  }

  readStatus(): RunStatus | undefined {
    try {
      const buf = readRegularFile(this.file('status.json'));
      return buf ? (JSON.parse(buf.toString('utf8')) as RunStatus) : undefined;
    } catch {
      return undefined;
    }
  }

  writeStatus(status: RunStatus): void {
    this.status = status;
    writeFileAtomic(this.file('status.json'), `${JSON.stringify(status, null, 2)}\n`);
  }

  /** Merges `patch` into the last status and stamps updatedAt. */
  updateStatus(patch: Partial<RunStatus>): RunStatus {
    const base = this.status ?? this.readStatus();
    if (!base) throw new Error('RunFolder.updateStatus before writeStatus');
    const next = { ...base, ...patch, updatedAt: new Date().toISOString() };
    this.writeStatus(next);
    return next;
  }

  appendMetrics(row: MetricsRow): void {
    this.metrics.append(row);
  }

  appendEval(row: EvalRow): void {
    this.evals.append(row);
  }

  saveCheckpoint(c: Checkpoint): string {
    const text = serializeCheckpoint(c);
    const file = this.file(`${CHECKPOINTS_DIR}/step-${String(c.step).padStart(8, '0')}.json`);
    // Checkpoints are what a resume starts from: make their renames durable, not only their bytes.
    writeFileAtomic(file, text, { durable: true });
    writeFileAtomic(this.file(`${CHECKPOINTS_DIR}/latest.json`), text, { durable: true });
    return file;
  }

  /** The newest checkpoint that parses (a corrupt latest.json falls back to the newest step file). */
  latestCheckpoint(): Checkpoint | undefined {
    const dir = join(this.root, CHECKPOINTS_DIR);
    if (!lstatSync(dir, { throwIfNoEntry: false })) return undefined;
    assertRealDir(dir);
    const names = readdirSync(dir);
    const files = ['latest.json', ...names.filter((f) => STEP_FILE.test(f)).sort().reverse()];
    for (const f of files) {
      try {
        const file = this.file(`${CHECKPOINTS_DIR}/${f}`);
        const buf = readRegularFile(file);
        if (buf) return parseCheckpoint(buf.toString('utf8'), file);
      } catch {
        continue;
      }
    }
    return undefined;
  }

  /**
   * Before resuming at `checkpointStep + 1`: drop metrics and eval lines written after the
   * checkpoint (and any torn line), so the files read as if the run had never stopped. The old
   * content is kept aside as `<file>.before-resume`.
   */
  truncateAfter(checkpointStep: number): void {
    for (const name of ['metrics.jsonl', 'eval.jsonl']) {
      const file = this.file(name);
      const before = readRegularFile(file);
      if (!before) continue;
      const { rows } = readJsonl<{ step: number }>(file);
      const keep = rows.filter((r) => typeof r.step === 'number' && r.step <= checkpointStep);
      writeFileAtomic(this.file(`${name}.before-resume`), before);
      writeFileAtomic(file, keep.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }

  /** One line of `trainer.log` (docs/contracts.md §1): `<ISO time> <level> <message>`. */
  appendLog(level: 'info' | 'warn' | 'error', message: string, now = new Date()): void {
    this.log.appendLine(`${now.toISOString()} ${level} ${message.replace(/\r?\n/g, ' ')}`);
  }

  /** The pending stop request (stop-request.ts), or undefined. */
  stopRequest(): StopRequest | undefined {
    return readStopRequestFile(this.file(STOP_REQUEST_FILE));
  }

  /** Removes the stop request; true when there was one. */
  clearStopRequest(): boolean {
    return removeStopRequestFile(this.file(STOP_REQUEST_FILE));
  }

  writeSnapshot(snapshot: unknown): void {
    writeFileAtomic(this.file('snapshot.json'), JSON.stringify(snapshot));
  }

  close(): void {
    this.metrics.close();
    this.evals.close();
    this.log.close();
  }
}
