import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, copyFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors';
import { writeFileAtomic, JsonlAppender, readJsonl } from './atomic-file';
import { Checkpoint, readCheckpoint, serializeCheckpoint } from './checkpoint';
import { EvalRow, MetricsRow, RunStatus } from './records';

/** `<name>-<YYYYMMDD-HHMMSS>-<4 hex>`: sortable by start time and unique. */
export function makeRunId(name: string, now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'run';
  return `${safe}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * One run's folder (docs/contracts.md §1). The engine is the only writer; every write is
 * either atomic (status, config, checkpoints) or a single appended line (metrics, eval), so
 * a SIGKILL at any moment leaves a folder every reader can open.
 */
export class RunFolder {
  readonly metrics: JsonlAppender;
  readonly evals: JsonlAppender;
  private status: RunStatus | undefined;

  constructor(readonly dir: string) {
    this.metrics = new JsonlAppender(join(dir, 'metrics.jsonl'));
    this.evals = new JsonlAppender(join(dir, 'eval.jsonl'));
  }

  get runId(): string {
    return basename(this.dir);
  }

  static create(runsDir: string, name: string, resolvedConfig: unknown, now = new Date()): RunFolder {
    mkdirSync(runsDir, { recursive: true });
    const dir = join(runsDir, makeRunId(name, now));
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(resolvedConfig, null, 2)}\n`);
    return new RunFolder(dir);
  }

  /** Opens an existing run for resuming; the folder must hold a config and a checkpoint. */
  static open(dir: string): RunFolder {
    if (!existsSync(join(dir, 'config.json')))
      throw new EngineError('', 'is not a run folder (no config.json)', 'pass a folder under .vsml/runs/', dir);
    return new RunFolder(dir);
  }

  readConfig(): unknown {
    return JSON.parse(readFileSync(join(this.dir, 'config.json'), 'utf8'));
  }

  readStatus(): RunStatus | undefined {
    const f = join(this.dir, 'status.json');
    if (!existsSync(f)) return undefined;
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as RunStatus;
    } catch {
      return undefined;
    }
  }

  writeStatus(status: RunStatus): void {
    this.status = status;
    writeFileAtomic(join(this.dir, 'status.json'), `${JSON.stringify(status, null, 2)}\n`);
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
    const file = join(this.dir, 'checkpoints', `step-${String(c.step).padStart(8, '0')}.json`);
    writeFileAtomic(file, text);
    writeFileAtomic(join(this.dir, 'checkpoints', 'latest.json'), text);
    return file;
  }

  /** The newest checkpoint that parses (a corrupt latest.json falls back to the newest step file). */
  latestCheckpoint(): Checkpoint | undefined {
    const dir = join(this.dir, 'checkpoints');
    if (!existsSync(dir)) return undefined;
    const files = ['latest.json', ...readdirSync(dir).filter((f) => /^step-\d+\.json$/.test(f)).sort().reverse()];
    for (const f of files) {
      if (!existsSync(join(dir, f))) continue;
      try {
        return readCheckpoint(join(dir, f));
      } catch {
        continue;
      }
    }
    return undefined;
  }

  /**
   * Before resuming at `checkpointStep + 1`: drop metrics and eval lines written after the
   * checkpoint (and any torn line), so the files read as if the run had never stopped.
   */
  truncateAfter(checkpointStep: number): void {
    for (const name of ['metrics.jsonl', 'eval.jsonl']) {
      const file = join(this.dir, name);
      if (!existsSync(file)) continue;
      const { rows } = readJsonl<{ step: number }>(file);
      const keep = rows.filter((r) => typeof r.step === 'number' && r.step <= checkpointStep);
      copyFileSync(file, `${file}.before-resume`);
      writeFileAtomic(file, keep.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }

  /** One line of `trainer.log` (docs/contracts.md §1): `<ISO time> <level> <message>`. */
  appendLog(level: 'info' | 'warn' | 'error', message: string, now = new Date()): void {
    appendFileSync(join(this.dir, 'trainer.log'), `${now.toISOString()} ${level} ${message.replace(/\r?\n/g, ' ')}\n`);
  }

  writeSnapshot(snapshot: unknown): void {
    writeFileAtomic(join(this.dir, 'snapshot.json'), JSON.stringify(snapshot));
  }

  close(): void {
    this.metrics.close();
    this.evals.close();
  }
}
