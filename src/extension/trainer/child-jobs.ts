/**
 * The extension's CLI child jobs (`vsml eval` today): each a TrainerProcess of kind `command`
 * (status, one exit promise, timeout, stop with grace then kill), kept here until it exits so
 * `deactivate` can stop whatever still runs. Trainers have their own owner (RunManager).
 */
import { Disposable } from '../dispose';
import type { Log } from '../output';
import { nodeFork } from './node-fork';
import { type ForkFn, type TrainerExit, TrainerProcess } from './trainer-process';

/** `vsml eval` on a few datasets takes minutes at most; a job still running after this is hung. */
export const DEFAULT_JOB_TIMEOUT_MS = 30 * 60 * 1000;

export interface JobRequest {
  /** Output channel prefix, e.g. `eval`. */
  readonly component: string;
  readonly modulePath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export interface JobResult {
  readonly exit: TrainerExit;
  /** Everything the job printed on stdout (its result), line by line. */
  readonly stdout: string;
}

export class ChildJobs extends Disposable {
  private readonly running = new Set<TrainerProcess>();

  constructor(private readonly log: Log, private readonly forkFn: ForkFn = nodeFork) {
    super();
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts a job; `stop` (e.g. from a cancelled progress notification) ends it early. */
  start(req: JobRequest): { job: TrainerProcess; result: Promise<JobResult> } {
    const lines: string[] = [];
    const job = new TrainerProcess({
      kind: 'command',
      trainerPath: req.modulePath,
      args: req.args,
      cwd: req.cwd,
      env: req.env,
      fork: this.forkFn,
      timeoutMs: req.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
      log: (level, line) => this.log[level](req.component, line),
      onStdoutLine: (line) => lines.push(line),
      onMessage: () => {},
    });
    this.log.info(req.component, `node ${req.modulePath} ${req.args.join(' ')}`);
    this.running.add(job);
    job.start();
    const result = job.exited.then((exit) => {
      this.running.delete(job);
      return { exit, stdout: lines.join('\n') };
    });
    return { job, result };
  }

  /** Stops every running job; deactivate awaits this. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((j) => j.stop()));
  }

  override dispose(): void {
    void this.stopAll();
    super.dispose();
  }
}
