import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { type SweepRequest, SweepTerminal, gridAxisProblem, parallelProblem, sweepArgs } from '../../../src/extension/commands/sweep-terminal';
import type { ForkFn } from '../../../src/extension/trainer/trainer-process';
import { parseGridAxis } from '../../../src/engine/sweep/grid';

test('gridAxisProblem accepts a known path with values and says what is wrong otherwise, as the CLI would', () => {
  assert.equal(gridAxisProblem('optimizer.lr=0.05,0.1', []), undefined);
  assert.equal(gridAxisProblem(' model.vsml_rnn.layer_specs[0].out_size=8,16 ', []), undefined);
  assert.match(gridAxisProblem('optimizer.lrr=0.05', []) ?? '', /unknown config path `optimizer\.lrr`.*did you mean `optimizer\.lr`/);
  assert.match(gridAxisProblem('optimizer.lr', []) ?? '', /not of the form path=value1,value2/);
  assert.match(gridAxisProblem('optimizer.lr=0.1,,0.2', []) ?? '', /has an empty value/);
  assert.match(gridAxisProblem('optimizer.lr=0.2', [parseGridAxis('optimizer.lr=0.1')]) ?? '', /is given by two --grid flags/);
});

test('parallelProblem wants a whole number of at least 1', () => {
  assert.equal(parallelProblem('2'), undefined);
  for (const bad of ['0', '-1', '1.5', 'two', '']) assert.ok(parallelProblem(bad), bad);
});

const request: SweepRequest = {
  cliPath: '/ext/dist/cli.js', configFile: '/w/my exp.vsml.json',
  axes: [parseGridAxis('optimizer.lr=0.05,0.1'), parseGridAxis('evaluation.lengths=[50,500],[100]')],
  parallel: 2, name: 'my-exp', runsDir: '/w/.vsml/runs', cwd: '/w', env: { VSML_DATA_DIR: '/data' },
};

test('sweepArgs: each grid axis one argument (no shell, nothing to quote)', () => {
  assert.deepEqual(sweepArgs(request), ['sweep', '/w/my exp.vsml.json', '--grid', 'optimizer.lr=0.05,0.1', '--grid', 'evaluation.lengths=[50,500],[100]',
    '--parallel', '2', '--name', 'my-exp', '--runs-dir', '/w/.vsml/runs']);
});

/** A child process whose output and exit the test drives, recording the signals it gets. */
function fakeChild() {
  const child = Object.assign(new EventEmitter(), {
    pid: 42, stdout: new PassThrough(), stderr: new PassThrough(), signals: [] as string[],
    send: () => false,
    kill(signal?: NodeJS.Signals) {
      child.signals.push(signal ?? 'SIGTERM');
      return true;
    },
  });
  return child;
}

test('SweepTerminal shows the sweep\'s output (CRLF), turns Ctrl-C into SIGINT and stays open after the end until a key', async () => {
  const child = fakeChild();
  const forks: { path: string; args: readonly string[]; cwd: string; env: NodeJS.ProcessEnv }[] = [];
  const fork: ForkFn = (path, args, o) => {
    forks.push({ path, args, ...o });
    return child;
  };
  let text = '';
  let closed = 0;
  const term = new SweepTerminal(fork, request, { write: (t) => (text += t), close: () => closed++ });
  term.open();
  assert.deepEqual(forks, [{ path: '/ext/dist/cli.js', args: sweepArgs(request), cwd: '/w', env: { VSML_DATA_DIR: '/data' } }]);
  child.stderr.write('sweep my-exp: 4 combinations\n[1/4] starting\n');
  child.stdout.write('| # | combination |\n');
  await new Promise((r) => setImmediate(r));
  assert.match(text, /sweep my-exp: 4 combinations\r\n\[1\/4\] starting\r\n/);
  assert.match(text, /\| # \| combination \|\r\n/);
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /\n/, 'every newline is CRLF');
  term.handleInput('x');
  assert.deepEqual(child.signals, [], 'typing does nothing while the sweep runs');
  term.handleInput('\x03');
  assert.deepEqual(child.signals, ['SIGINT']);
  child.emit('exit', 130, null);
  assert.match(text, /vsml sweep ended \(exit code 130\); press any key to close this terminal\r\n$/);
  assert.equal(closed, 0, 'the summary stays readable');
  term.close();
  assert.deepEqual(child.signals, ['SIGINT'], 'no signal to a sweep that has ended');
  term.handleInput('q');
  assert.equal(closed, 1);
});

test('SweepTerminal: closing the terminal while the sweep runs stops it (SIGTERM: runs checkpoint); a failed start is said', () => {
  const child = fakeChild();
  const term = new SweepTerminal(() => child, request, { write: () => undefined, close: () => undefined });
  term.open();
  term.close();
  assert.deepEqual(child.signals, ['SIGTERM']);
  let text = '';
  const broken = new SweepTerminal(() => {
    throw new Error('spawn ENOENT');
  }, request, { write: (t) => (text += t), close: () => undefined });
  broken.open();
  assert.match(text, /could not start vsml sweep: spawn ENOENT; press any key/);
});
