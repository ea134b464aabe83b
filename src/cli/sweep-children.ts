/**
 * The `vsml train` child processes of a sweep, run through the one child-job class
 * (src/extension/trainer/trainer-process.ts, kind `command`: stopped with SIGTERM, on which
 * `vsml train` checkpoints and exits). Each child gets its own process group, so a Ctrl-C at the
 * terminal reaches only the sweep, which stops every child once (a second signal to `vsml train`
 * would make it exit without checkpointing).
 */
import { spawn } from 'node:child_process';
import { type ChildLike, type ForkFn, TrainerProcess } from '../extension/trainer/trainer-process';

/** Starts this same CLI (`process.argv[1]`, with the node flags it runs under) with `args`, in its own process group. */
export const spawnCli: ForkFn = (cliPath, args, options) =>
  spawn(process.execPath, [...process.execArgv, cliPath, ...args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildLike;

/** `vsml train` prints `run <id> in <dir>` on stderr when its run folder exists. */
const RUN_LINE = /^run (\S+) in (.+)$/;

export interface TrainChildOptions {
  readonly args: readonly string[];
  /** Every output line of the child (stdout and stderr). */
  readonly onLine: (line: string) => void;
  /** Called once, when the child names its run folder. */
  readonly onRun: (runId: string, runDir: string) => void;
  readonly fork?: ForkFn;
  readonly cliPath?: string;
}

/**
 * Starts `vsml <args>` (a train). Stopping waits as long as a meta-step may take: the sweep's
 * second Ctrl-C is the way to end a child at once (`killNow`).
 */
export function startTrainChild(opts: TrainChildOptions): TrainerProcess {
  let named = false;
  const line = (l: string): void => {
    const m = named ? null : RUN_LINE.exec(l);
    if (m) {
      named = true;
      opts.onRun(m[1], m[2]);
    }
    opts.onLine(l);
  };
  const child = new TrainerProcess({
    trainerPath: opts.cliPath ?? process.argv[1],
    args: opts.args,
    cwd: process.cwd(),
    fork: opts.fork ?? spawnCli,
    kind: 'command',
    graceMs: 60 * 60_000,
    maxGraceMs: 60 * 60_000,
    log: (_level, l) => line(l),
    onStdoutLine: line,
    onMessage: () => undefined,
  });
  child.start();
  return child;
}
