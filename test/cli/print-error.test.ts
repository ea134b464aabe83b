import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printError } from '../../src/cli/print-error';
import { crashLine, debugEnabled, writeCrashLog } from '../../src/cli/crash-log';
import { EngineError } from '../../src/engine/errors';

const capture = (e: unknown, debug: boolean): string => {
  let out = '';
  printError(e, (s) => (out += s), debug);
  return out;
};

test('bad input prints as file: field: message plus the fix', () => {
  assert.equal(capture(new EngineError('training.dataset', 'is missing', 'add it', 'x.vsml.json'), false), 'error: x.vsml.json: training.dataset: is missing\n  fix: add it\n');
});

test('a crash prints one line (message and the log holding the stack), never the stack itself', () => {
  const out = capture(new RangeError('Invalid typed array length: 100000000000'), false);
  assert.equal(out.split('\n').length, 2, out);
  const m = /^error: vsml crashed: RangeError: Invalid typed array length: 100000000000; the stack is in (\S+) \(run with --debug or VSML_DEBUG=1 to print it\)\n$/.exec(out);
  assert.ok(m, out);
  const log = readFileSync(m[1], 'utf8');
  assert.match(log, /RangeError: Invalid typed array length: 100000000000\n\s+at /);
  assert.doesNotMatch(out, /\n\s+at /);
});

test('with --debug (or VSML_DEBUG=1) the stack is printed', () => {
  assert.match(capture(new TypeError('x is not a function'), true), /^vsml crashed: TypeError: x is not a function\n\s+at /);
  assert.equal(debugEnabled(['node', 'cli', 'train', '--debug'], {}), true);
  assert.equal(debugEnabled(['node', 'cli'], { VSML_DEBUG: '1' }), true);
  assert.equal(debugEnabled(['node', 'cli'], { VSML_DEBUG: '0' }), false);
  assert.equal(debugEnabled(['node', 'cli'], {}), false);
});

test('crash logs are new files (never followed through an existing name) and a failed write still gives the message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-crash-'));
  const a = writeCrashLog(new Error('one'), 'cli', dir);
  assert.ok(a && a.startsWith(dir));
  assert.equal(writeCrashLog(new Error('two'), 'cli', join(dir, 'no', 'such', 'folder')), undefined);
  assert.equal(crashLine(new Error('two\nsecond line'), undefined), 'Error: two (run with --debug or VSML_DEBUG=1 to print it)');
});
