/**
 * One child job of the extension: a trainer (one run; forks the bundled dist/trainer.js with an
 * IPC channel, parses every message with the protocol parser) or a CLI command such as
 * `vsml eval` (`kind: 'command'`: done when it exits with code 0, stopped by SIGTERM). Tracks an
 * explicit status. `stop()` asks the child to end (the trainer checkpoints first), then kills it
 * after a grace period; `timeoutMs` stops a job that runs too long.
 * No vscode import: the fork function is injected, so tests drive it with a fake child.
 */
import type { Readable } from 'node:stream';
import { type HostMessage, type TrainerMessage, parseTrainerMessage } from '../../protocol/trainer';

export type TrainerStatus = 'starting' | 'running' | 'stopping' | 'exited' | 'crashed';

/** The part of a ChildProcess this class uses. */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  send(message: unknown): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type ForkFn = (modulePath: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) => ChildLike;

/** How a trainer ended. `crashed` covers signals, non-zero codes, a kill after the grace period, and exiting without `run/done`. */
export interface TrainerExit {
  readonly status: 'exited' | 'crashed';
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What `run/done` said, when it came. */
  readonly done?: 'finished' | 'stopped';
  /** Why it crashed, in words for the user. */
  readonly reason?: string;
}

export interface TrainerProcessOptions {
  readonly trainerPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fork: ForkFn;
  /** Lines for the output channel (stderr, stdout, dropped messages). */
  readonly log: (level: 'info' | 'warn' | 'error', line: string) => void;
  readonly onMessage: (message: TrainerMessage) => void;
  /**
   * How long `stop()` waits for the trainer to checkpoint and exit before killing it. Every message
   * that arrives while stopping (progress, heartbeat, log) restarts this wait: a trainer finishing
   * a long meta-step or an evaluation trial is alive, not hung.
   */
  readonly graceMs?: number;
  /** The wait never extends past this much time after `stop()`, however many messages arrive. */
  readonly maxGraceMs?: number;
  /**
   * `trainer` (default): speaks the trainer protocol; finished only after `run/done`; stopped
   * with `run/stop`. `command`: a CLI command; finished when it exits with code 0; stopped with
   * SIGTERM.
   */
  readonly kind?: 'trainer' | 'command';
  /** Stops the job (then kills it after the grace period) when it has run this long. */
  readonly timeoutMs?: number;
  /** Each stdout line (default: logged as info). A command's result comes this way. */
  readonly onStdoutLine?: (line: string) => void;
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  /** Milliseconds clock for the hard cap (tests pass a fake one). */
  readonly now?: () => number;
}

export const DEFAULT_STOP_GRACE_MS = 10_000;
export const DEFAULT_STOP_MAX_GRACE_MS = 120_000;

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

export class TrainerProcess {
  private statusValue: TrainerStatus = 'starting';
  private child: ChildLike | undefined;
  private doneState: 'finished' | 'stopped' | undefined;
  private lastError: string | undefined;
  private killedAfterGrace = false;
  private timedOut = false;
  private stopRequested = false;
  private stopTimer: { cancel(): void } | undefined;
  private stopDeadline = 0;
  private timeoutTimer: { cancel(): void } | undefined;
  private resolveExit!: (exit: TrainerExit) => void;
  /** Settles once, when the process has exited (never rejects). */
  readonly exited: Promise<TrainerExit>;
  runId: string | undefined;
  runDir: string | undefined;

  constructor(private readonly options: TrainerProcessOptions) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get status(): TrainerStatus {
    return this.statusValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child) throw new Error('TrainerProcess.start called twice');
    const { trainerPath, args, cwd, env, fork, log } = this.options;
    let child: ChildLike;
    try {
      child = fork(trainerPath, args, { cwd, env: env ?? process.env });
    } catch (e) {
      this.finish({ status: 'crashed', code: null, signal: null, reason: `could not start the trainer: ${(e as Error).message}` });
      return;
    }
    this.child = child;
    if (this.options.kind === 'command') this.statusValue = 'running';
    if (this.options.timeoutMs !== undefined) {
      this.timeoutTimer = (this.options.setTimer ?? defaultTimer)(() => {
        this.timedOut = true;
        log('warn', `no result after ${Math.round(this.options.timeoutMs! / 1000)} s; stopping it`);
        void this.stop();
      }, this.options.timeoutMs);
    }
    forwardLines(child.stdout, this.options.onStdoutLine ?? ((line) => log('info', line)));
    forwardLines(child.stderr, (line) => log('warn', line));
    child.on('message', (raw) => this.handle(raw));
    child.on('error', (err) => {
      // 'error' fires when spawning fails or a send fails; exit follows only in the second case.
      log('error', `trainer process error: ${err.message}`);
      if (child.pid === undefined) this.finish({ status: 'crashed', code: null, signal: null, reason: `could not start the trainer: ${err.message}` });
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  /** Asks the trainer to checkpoint and stop; kills it if it is still there after the grace period. */
  stop(): Promise<TrainerExit> {
    if (this.statusValue === 'exited' || this.statusValue === 'crashed' || this.statusValue === 'stopping') return this.exited;
    this.statusValue = 'stopping';
    this.stopRequested = true;
    this.timeoutTimer?.cancel();
    let sent = false;
    if (this.options.kind === 'command') {
      sent = this.child?.kill('SIGTERM') ?? false;
    } else {
      const stop: HostMessage = { type: 'run/stop' };
      try {
        sent = this.child?.send(stop) ?? false;
      } catch (e) {
        this.options.log('warn', `could not send run/stop: ${(e as Error).message}`);
      }
      if (!sent) this.options.log('warn', 'the trainer did not take run/stop; killing it');
    }
    this.stopDeadline = this.now() + (this.options.maxGraceMs ?? DEFAULT_STOP_MAX_GRACE_MS);
    this.armKillTimer(sent ? this.options.graceMs ?? DEFAULT_STOP_GRACE_MS : 0);
    return this.exited;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** (Re)starts the kill timer: `ms` from now, but never past the hard cap. */
  private armKillTimer(ms: number): void {
    this.stopTimer?.cancel();
    const timer = this.options.setTimer ?? defaultTimer;
    this.stopTimer = timer(() => this.killNow(), Math.max(0, Math.min(ms, this.stopDeadline - this.now())));
  }

  /** Ends the process at once (SIGKILL). */
  killNow(): void {
    if (!this.child || this.statusValue === 'exited' || this.statusValue === 'crashed') return;
    this.killedAfterGrace = true;
    this.options.log('warn', `killing trainer pid ${this.child.pid ?? '?'}`);
    this.child.kill('SIGKILL');
  }

  private handle(raw: unknown): void {
    const parsed = parseTrainerMessage(raw);
    if (!parsed.ok) {
      this.options.log('error', `dropped a trainer message that does not parse: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (this.statusValue === 'stopping' && this.stopTimer) this.armKillTimer(this.options.graceMs ?? DEFAULT_STOP_GRACE_MS);
    switch (m.type) {
      case 'run/started':
        this.runId = m.runId;
        this.runDir = m.runDir;
        if (this.statusValue === 'starting') this.statusValue = 'running';
        break;
      case 'run/done':
        this.doneState = m.state;
        break;
      case 'run/error':
        this.lastError = m.message + (m.path ? ` (${m.path})` : '') + (m.fix ? ` — fix: ${m.fix}` : '');
        break;
      default:
        break;
    }
    this.options.onMessage(m);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.stopTimer?.cancel();
    this.timeoutTimer?.cancel();
    if (this.options.kind === 'command' && !this.timedOut && (code === 0 || (this.stopRequested && !this.killedAfterGrace))) {
      this.finish({ status: 'exited', code, signal, done: code === 0 ? 'finished' : 'stopped' });
      return;
    }
    if (this.doneState !== undefined && code === 0) {
      this.finish({ status: 'exited', code, signal, done: this.doneState });
      return;
    }
    const who = this.options.kind === 'command' ? 'the command' : 'the trainer';
    let reason: string;
    if (this.timedOut) reason = `timed out after ${Math.round(this.options.timeoutMs! / 1000)} s`;
    else if (this.killedAfterGrace) reason = `${who} did not stop within the grace period and was killed`;
    else if (this.lastError) reason = this.lastError;
    else if (signal) reason = `${who} was killed by ${signal}`;
    else if (code !== 0) reason = `${who} exited with code ${code}`;
    else reason = `${who} exited without finishing the run`;
    this.finish({ status: 'crashed', code, signal, reason, ...(this.doneState ? { done: this.doneState } : {}) });
  }

  private finish(exit: TrainerExit): void {
    if (this.statusValue === 'exited' || this.statusValue === 'crashed') return;
    this.statusValue = exit.status;
    this.resolveExit(exit);
  }
}

/** Splits a stream into lines (a trainer prints whole lines; a partial last line is flushed at end). */
function forwardLines(stream: Readable | null, emit: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) emit(l);
  });
  stream.on('end', () => {
    if (pending.trim()) emit(pending);
    pending = '';
  });
}
