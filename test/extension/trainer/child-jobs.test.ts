import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { ChildJobs } from '../../../src/extension/trainer/child-jobs';
import { type ChildLike, TrainerProcess } from '../../../src/extension/trainer/trainer-process';

/** A CLI child driven by the test: it ends on SIGTERM (as Node does by default) or when told. */
class FakeCommand extends EventEmitter implements ChildLike {
  pid = 77;
  stdout = new PassThrough();
  stderr = new PassThrough();
  kills: (NodeJS.Signals | undefined)[] = [];
  constructor(private readonly ignoresTerm = false) {
    super();
  }
  send(): boolean {
    return true;
  }
  kill(signal?: NodeJS.Signals): boolean {
    this.kills.push(signal);
    if (signal === 'SIGKILL' || !this.ignoresTerm) setImmediate(() => this.emit('exit', null, signal ?? 'SIGTERM'));
    return true;
  }
  finish(code: number, out = ''): void {
    if (out) this.stdout.write(out);
    this.stdout.end();
    setImmediate(() => this.emit('exit', code, null));
  }
}

const log = { info: () => {}, warn: () => {}, error: () => {}, show: () => {} };
const manualTimers = () => {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer = (fn: () => void, ms: number) => {
    const t = { fn, ms, cancelled: false };
    timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  };
  return { timers, setTimer };
};
const command = (child: FakeCommand, extra: Partial<ConstructorParameters<typeof TrainerProcess>[0]> = {}) =>
  new TrainerProcess({ kind: 'command', trainerPath: '/x/cli.js', args: ['eval'], cwd: '/w', fork: () => child, log: () => {}, onMessage: () => {}, graceMs: 50, ...extra });

test('a command job: running at once, exited/finished on code 0, crashed with its code otherwise', async () => {
  const ok = new FakeCommand();
  const job = command(ok);
  job.start();
  assert.equal(job.status, 'running');
  ok.finish(0);
  assert.deepEqual(await job.exited, { status: 'exited', code: 0, signal: null, done: 'finished' });
  const bad = new FakeCommand();
  const failing = command(bad);
  failing.start();
  bad.finish(2);
  const exit = await failing.exited;
  assert.equal(exit.status, 'crashed');
  assert.equal(exit.reason, 'the command exited with code 2');
});

test('a command job: stop() sends SIGTERM (no IPC protocol) and ends as stopped; one that ignores it is killed after the grace', async () => {
  const child = new FakeCommand();
  const job = command(child);
  job.start();
  const exit = await job.stop();
  assert.deepEqual(child.kills, ['SIGTERM']);
  assert.equal(exit.status, 'exited');
  assert.equal(exit.done, 'stopped');
  const stubborn = new FakeCommand(true);
  const { timers, setTimer } = manualTimers();
  const hung = command(stubborn, { setTimer });
  hung.start();
  const p = hung.stop();
  timers.find((t) => t.ms === 50)!.fn();
  const e2 = await p;
  assert.deepEqual(stubborn.kills, ['SIGTERM', 'SIGKILL']);
  assert.equal(e2.status, 'crashed');
});

test('a command job that runs past its timeout is stopped and reported as timed out', async () => {
  const child = new FakeCommand();
  const { timers, setTimer } = manualTimers();
  const job = command(child, { timeoutMs: 60_000, setTimer });
  job.start();
  const timeout = timers.find((t) => t.ms === 60_000)!;
  timeout.fn();
  const exit = await job.exited;
  assert.deepEqual(child.kills, ['SIGTERM']);
  assert.equal(exit.status, 'crashed');
  assert.equal(exit.reason, 'timed out after 60 s');
});

test('ChildJobs: collects stdout as the result, forgets finished jobs, stops the running ones on deactivate', async () => {
  const children: FakeCommand[] = [];
  const jobs = new ChildJobs(log, () => {
    const c = new FakeCommand();
    children.push(c);
    return c;
  });
  const a = jobs.start({ component: 'eval', modulePath: '/x/cli.js', args: ['eval', 'r1'], cwd: '/w', env: {} });
  const b = jobs.start({ component: 'eval', modulePath: '/x/cli.js', args: ['eval', 'r2'], cwd: '/w', env: {} });
  assert.equal(jobs.size, 2);
  children[0].finish(0, '{"line":1}\n{"line":2}\n');
  const ra = await a.result;
  assert.equal(ra.stdout, '{"line":1}\n{"line":2}');
  assert.equal(jobs.size, 1);
  await jobs.stopAll();
  assert.deepEqual(children[1].kills, ['SIGTERM']);
  assert.equal((await b.result).exit.done, 'stopped');
  assert.equal(jobs.size, 0);
  jobs.dispose();
});
