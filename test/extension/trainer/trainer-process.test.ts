import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TrainerMessage } from '../../../src/protocol/trainer';
import { type ChildLike, type ForkFn, TrainerProcess } from '../../../src/extension/trainer/trainer-process';

/** A child process driven by the test: it records what the host sends and kills. */
class FakeChild extends EventEmitter implements ChildLike {
  pid = 4242;
  stdout = new PassThrough();
  stderr = new PassThrough();
  sent: unknown[] = [];
  kills: (NodeJS.Signals | undefined)[] = [];
  send(m: unknown): boolean {
    this.sent.push(m);
    return true;
  }
  kill(signal?: NodeJS.Signals): boolean {
    this.kills.push(signal);
    setImmediate(() => this.emit('exit', null, signal ?? 'SIGTERM'));
    return true;
  }
}

function setup(opts: { graceMs?: number; maxGraceMs?: number; now?: () => number } = {}) {
  const child = new FakeChild();
  const logs: string[] = [];
  const messages: TrainerMessage[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const proc = new TrainerProcess({
    trainerPath: '/x/trainer.js', args: ['a.vsml.json'], cwd: '/w',
    fork: () => child,
    log: (level, line) => logs.push(`${level}: ${line}`),
    onMessage: (m) => messages.push(m),
    graceMs: opts.graceMs ?? 1000,
    ...(opts.maxGraceMs !== undefined ? { maxGraceMs: opts.maxGraceMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    setTimer: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
  });
  return { child, logs, messages, timers, proc };
}

const started = { type: 'run/started', runId: 'r1', runDir: '/w/.vsml/runs/r1', runner: { path: 'p', backend: 'b', threads: 1 }, totalSteps: 4 };

describe('TrainerProcess with a fake child', () => {
  it('goes starting -> running -> exited on run/done and a clean exit', async () => {
    const { child, messages, proc } = setup();
    assert.equal(proc.status, 'starting');
    proc.start();
    child.emit('message', started);
    assert.equal(proc.status, 'running');
    assert.equal(proc.runDir, '/w/.vsml/runs/r1');
    child.emit('message', { type: 'run/done', runId: 'r1', state: 'finished' });
    child.emit('exit', 0, null);
    assert.deepEqual(await proc.exited, { status: 'exited', code: 0, signal: null, done: 'finished' });
    assert.equal(proc.status, 'exited');
    assert.deepEqual(messages.map((m) => m.type), ['run/started', 'run/done']);
  });

  it('logs and drops messages that do not parse', () => {
    const { child, logs, messages, proc } = setup();
    proc.start();
    child.emit('message', { type: 'run/progress', runId: 'r1', step: 'one' });
    child.emit('message', 'junk');
    assert.equal(messages.length, 0);
    assert.equal(logs.length, 2);
    assert.match(logs[0], /^error: dropped a trainer message that does not parse: run\/progress\.step/);
  });

  it('forwards stdout and stderr line by line', async () => {
    const { child, logs, proc } = setup();
    proc.start();
    child.stdout.write('hello\nwor');
    child.stdout.end('ld\n');
    child.stderr.end('warning line');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logs, ['info: hello', 'info: world', 'warn: warning line']);
  });

  it('is crashed with the reason when killed by a signal, a non-zero code, or exiting without run/done', async () => {
    for (const [code, signal, reason] of [
      [null, 'SIGKILL', /killed by SIGKILL/], [3, null, /exited with code 3/], [0, null, /exited without finishing/],
    ] as const) {
      const { child, proc } = setup();
      proc.start();
      child.emit('message', started);
      child.emit('exit', code, signal);
      const exit = await proc.exited;
      assert.equal(exit.status, 'crashed');
      assert.match(exit.reason ?? '', reason);
      assert.equal(proc.status, 'crashed');
    }
  });

  it('reports the trainer\'s own error message as the crash reason', async () => {
    const { child, proc } = setup();
    proc.start();
    child.emit('message', { type: 'run/error', runId: 'r1', message: 'dataset "kmnist" is not available', path: 'training.dataset', fix: 'fetch it' });
    child.emit('exit', 1, null);
    assert.match((await proc.exited).reason ?? '', /kmnist.*training\.dataset.*fix: fetch it/);
  });

  it('stop() sends run/stop, waits the grace period, then kills', async () => {
    const { child, proc, timers } = setup({ graceMs: 1234 });
    proc.start();
    child.emit('message', started);
    const exitP = proc.stop();
    assert.equal(proc.status, 'stopping');
    assert.deepEqual(child.sent, [{ type: 'run/stop' }]);
    assert.equal(timers.length, 1);
    assert.equal(timers[0].ms, 1234);
    assert.equal(proc.stop(), exitP, 'a second stop returns the same promise');
    timers[0].fn(); // grace period over, the trainer is still there
    assert.deepEqual(child.kills, ['SIGKILL']);
    const exit = await exitP;
    assert.equal(exit.status, 'crashed');
    assert.match(exit.reason ?? '', /did not stop within the grace period/);
  });

  it('while stopping, every message from the trainer restarts the grace period, up to a hard cap', async () => {
    let clock = 0;
    const { child, proc, timers } = setup({ graceMs: 1000, maxGraceMs: 2500, now: () => clock });
    proc.start();
    child.emit('message', started);
    void proc.stop();
    assert.deepEqual(timers.map((t) => t.ms), [1000]);
    clock = 900;
    child.emit('message', { type: 'run/heartbeat', runId: 'r1' }); // still checkpointing: alive
    assert.equal(timers[0].cancelled, true);
    assert.equal(timers[1].ms, 1000);
    clock = 1800;
    child.emit('message', { type: 'run/progress', runId: 'r1', step: 3, totalSteps: 4, metaLoss: 1, etaSeconds: 1 });
    assert.equal(timers[2].ms, 700, 'capped at 2500 ms after stop()');
    clock = 2500;
    child.emit('message', { type: 'run/heartbeat', runId: 'r1' });
    assert.equal(timers[3].ms, 0, 'past the cap: no more waiting');
    timers[3].fn();
    assert.deepEqual(child.kills, ['SIGKILL']);
  });

  it('a trainer that stops in time exits cleanly and cancels the kill timer', async () => {
    const { child, proc, timers } = setup();
    proc.start();
    child.emit('message', started);
    const exitP = proc.stop();
    child.emit('message', { type: 'run/done', runId: 'r1', state: 'stopped' });
    child.emit('exit', 0, null);
    assert.deepEqual(await exitP, { status: 'exited', code: 0, signal: null, done: 'stopped' });
    assert.equal(timers[0].cancelled, true);
    assert.deepEqual(child.kills, []);
  });

  it('a fork that throws is a crash, not an exception', async () => {
    const proc = new TrainerProcess({
      trainerPath: '/nope.js', args: [], cwd: '/', log: () => undefined, onMessage: () => undefined,
      fork: () => {
        throw new Error('ENOENT');
      },
    });
    proc.start();
    assert.match((await proc.exited).reason ?? '', /could not start the trainer: ENOENT/);
  });
});

describe('TrainerProcess with a real child process (test/extension/trainer/fake-trainer.cjs)', () => {
  const script = join(__dirname, 'fake-trainer.cjs');
  const realFork = (mode: string): ForkFn => (path, args, options) =>
    fork(path, [...args], { ...options, env: { ...options.env, FAKE_TRAINER_MODE: mode }, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });

  function run(mode: string) {
    const dir = mkdtempSync(join(tmpdir(), 'vsml-tp-'));
    const messages: TrainerMessage[] = [];
    const logs: string[] = [];
    const proc = new TrainerProcess({
      trainerPath: script, args: ['exp.vsml.json', '--runs-dir', dir], cwd: dir, fork: realFork(mode),
      log: (l, line) => logs.push(`${l}: ${line}`), onMessage: (m) => messages.push(m), graceMs: 300, maxGraceMs: 900,
    });
    proc.start();
    return { dir, messages, logs, proc, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it('finishes a run', async () => {
    const { proc, messages, cleanup } = run('finish');
    try {
      const exit = await proc.exited;
      assert.equal(exit.status, 'exited');
      assert.equal(exit.done, 'finished');
      assert.equal(messages.filter((m) => m.type === 'run/progress').length, 4);
    } finally {
      cleanup();
    }
  });

  /** Resolves once the child has sent its first message (node starts slowly on a busy machine). */
  const untilRunning = (proc: { status: string }): Promise<void> =>
    new Promise<void>((r) => {
      const t = setInterval(() => {
        if (proc.status === 'running') {
          clearInterval(t);
          r();
        }
      }, 5);
    });

  it('stops a run on request', async () => {
    const { proc, messages, cleanup } = run('finish');
    try {
      await untilRunning(proc);
      const exit = await proc.stop();
      assert.equal(exit.done, 'stopped');
      assert.equal(JSON.parse(readFileSync(join(proc.runDir!, 'status.json'), 'utf8')).state, 'stopped');
      assert.ok(messages.some((m) => m.type === 'run/done'));
    } finally {
      cleanup();
    }
  });

  it('kills a trainer that ignores run/stop at the hard cap, however busy it looks', async () => {
    const { proc, cleanup } = run('hang'); // keeps sending progress every 50 ms, never stops
    try {
      // Until its first message the child is not sending progress yet (node starts slowly on a busy machine).
      await untilRunning(proc);
      const t0 = Date.now();
      const exit = await proc.stop();
      assert.equal(exit.status, 'crashed');
      assert.equal(exit.signal, 'SIGKILL');
      const waited = Date.now() - t0;
      assert.ok(waited >= 850, `progress kept extending the 300 ms grace period up to the 900 ms cap (waited ${waited} ms)`);
    } finally {
      cleanup();
    }
  });

  it('reports a crash with the exit code, stderr in the log, and drops a malformed message', async () => {
    const crash = run('crash');
    const garbage = run('garbage');
    try {
      const exit = await crash.proc.exited;
      assert.equal(exit.status, 'crashed');
      assert.equal(exit.code, 3);
      assert.ok(crash.logs.includes('warn: fake trainer: simulated crash'));
      assert.equal((await garbage.proc.exited).status, 'exited');
      assert.ok(garbage.logs.some((l) => /dropped a trainer message/.test(l)));
    } finally {
      crash.cleanup();
      garbage.cleanup();
    }
  });
});
