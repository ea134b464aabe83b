import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAppender, createExclusive, readRegularFile, writeFileAtomic } from '../../../src/engine/runs/atomic-file';
import { EngineError } from '../../../src/engine/errors';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-atomic-'));

test('writeFileAtomic replaces the file and leaves no temp file behind', () => {
  const d = tmp();
  writeFileAtomic(join(d, 'a.json'), 'one');
  writeFileAtomic(join(d, 'a.json'), 'two');
  assert.equal(readFileSync(join(d, 'a.json'), 'utf8'), 'two');
  assert.deepEqual(readdirSync(d), ['a.json']);
});

test('writeFileAtomic refuses a symlink or a folder at the name and leaves the target untouched', () => {
  const d = tmp();
  writeFileSync(join(d, 'victim'), 'precious');
  symlinkSync(join(d, 'victim'), join(d, 'status.json'));
  assert.throws(() => writeFileAtomic(join(d, 'status.json'), 'x'), (e: unknown) => e instanceof EngineError && /symbolic link/.test(e.message) && e.message.includes(join(d, 'status.json')));
  assert.equal(readFileSync(join(d, 'victim'), 'utf8'), 'precious');
  mkdirSync(join(d, 'dir.json'));
  assert.throws(() => writeFileAtomic(join(d, 'dir.json'), 'x'), /not a regular file/);
  assert.deepEqual(readdirSync(d).sort(), ['dir.json', 'status.json', 'victim'], 'no temp file left behind');
});

test('appending and exclusive creation never follow a link', () => {
  const d = tmp();
  writeFileSync(join(d, 'victim'), 'precious');
  symlinkSync(join(d, 'victim'), join(d, 'metrics.jsonl'));
  assert.throws(() => new JsonlAppender(join(d, 'metrics.jsonl')).append({ step: 1 }), /symbolic link/);
  assert.equal(createExclusive(join(d, 'metrics.jsonl'), 'x'), false, 'an existing link counts as taken');
  assert.equal(readFileSync(join(d, 'victim'), 'utf8'), 'precious');
  assert.equal(createExclusive(join(d, 'run.lock'), 'mine'), true);
  assert.equal(createExclusive(join(d, 'run.lock'), 'theirs'), false);
  assert.equal(readFileSync(join(d, 'run.lock'), 'utf8'), 'mine');
});

test('readRegularFile refuses links and special files (a link to /dev/zero would never end)', { skip: !existsSync('/dev/zero') }, () => {
  const d = tmp();
  symlinkSync('/dev/zero', join(d, 'status.json'));
  assert.throws(() => readRegularFile(join(d, 'status.json')), /symbolic link/);
  assert.throws(() => readRegularFile('/dev/zero'), /not a regular file/);
  assert.equal(readRegularFile(join(d, 'missing')), undefined);
  writeFileSync(join(d, 'big'), Buffer.alloc(100));
  assert.throws(() => readRegularFile(join(d, 'big'), 10), /100 bytes, more than the 10/);
});
