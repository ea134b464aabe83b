import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGrid } from '../../../src/engine/sweep/grid';
import {
  assertSameSweep, checkSweepName, defaultSweepName, hashConfigFile, newSweepRecord, readSweepFile, sweepFile, withCombination, writeSweepFile,
} from '../../../src/engine/sweep/sweep-file';
import { EngineError } from '../../../src/engine/errors';

const grid = parseGrid(['optimizer.lr=0.05,0.1', 'training.population_size=2,4']);
const at = new Date('2026-12-01T10:00:00.000Z');

test('a new sweep record lists every combination pending; written atomically, it reads back the same', () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-sweep-file-'));
  const rec = newSweepRecord('lr-pop', '/x/tiny.vsml.json', 'abc', grid, at);
  assert.equal(rec.combinations.length, 4);
  assert.ok(rec.combinations.every((c) => c.state === 'pending' && c.runId === undefined));
  assert.deepEqual(rec.combinations[1].sets, ['optimizer.lr=0.05', 'training.population_size=4']);
  const file = sweepFile(runs, 'lr-pop');
  assert.equal(file, join(runs, 'sweeps', 'lr-pop.json'));
  assert.equal(readSweepFile(file), undefined, 'no file yet');
  const next = withCombination(rec, 2, { sets: rec.combinations[2].sets, state: 'running', runId: 'tiny-20261201-100000-beef' }, new Date('2026-12-01T11:00:00.000Z'));
  assert.equal(rec.combinations[2].state, 'pending', 'the old record is not changed');
  assert.equal(withCombination(next, 2, { ...next.combinations[2] }, new Date()), next, 'no change, no new record (nor a new updatedAt)');
  writeSweepFile(file, next);
  assert.deepEqual(readSweepFile(file), next);
  assert.equal(next.updatedAt, '2026-12-01T11:00:00.000Z');
  assert.deepEqual(readdirSync(join(runs, 'sweeps')), ['lr-pop.json'], 'no temp file left behind');
});

test('a damaged sweep file is an error naming the file and how to go on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-sweep-bad-'));
  const file = join(dir, 'x.json');
  writeFileSync(file, '{"format":"vsml-sweep"');
  assert.throws(() => readSweepFile(file), (e: unknown) => e instanceof EngineError && e.file === file && /not JSON/.test(e.message) && /delete it/.test(e.fix));
  const rec = newSweepRecord('x', '/c.json', 'h', grid, at);
  writeFileSync(file, JSON.stringify({ ...rec, combinations: [{ sets: ['a=1'], state: 'done' }] }));
  assert.throws(() => readSweepFile(file), /sweep\.combinations\[0\]\.state: expected one of/);
  writeFileSync(file, JSON.stringify({ ...rec, version: 2 }));
  assert.throws(() => readSweepFile(file), /sweep\.version/);
});

test('continuing a sweep with another grid, config file or config content is refused with the fix', () => {
  const rec = newSweepRecord('s', '/c.vsml.json', 'h1', grid, at);
  assert.doesNotThrow(() => assertSameSweep(rec, '/c.vsml.json', 'h1', parseGrid(['optimizer.lr=0.05,0.1', 'training.population_size=2,4']), 'f'));
  const refusal = (fn: () => void, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof EngineError && re.test(e.message) && /--name NEW/.test(e.fix) && e.file === 'f');
  refusal(() => assertSameSweep(rec, '/c.vsml.json', 'h1', parseGrid(['optimizer.lr=0.05,0.2', 'training.population_size=2,4']), 'f'), /has the grid --grid optimizer\.lr=0\.05,0\.1 --grid training\.population_size=2,4, not --grid optimizer\.lr=0\.05,0\.2/);
  refusal(() => assertSameSweep(rec, '/c.vsml.json', 'h1', parseGrid(['training.population_size=2,4', 'optimizer.lr=0.05,0.1']), 'f'), /has the grid/);
  refusal(() => assertSameSweep(rec, '/d.vsml.json', 'h1', grid, 'f'), /runs \/c\.vsml\.json, not \/d\.vsml\.json/);
  refusal(() => assertSameSweep(rec, '/c.vsml.json', 'h2', grid, 'f'), /changed since sweep "s" started/);
});

test('sweep names: the config file name by default; names that are not file names are refused', () => {
  assert.equal(defaultSweepName('/a/b/tiny.vsml.json'), 'tiny');
  assert.equal(defaultSweepName('C:\\x\\my exp.json'), 'my-exp');
  assert.equal(defaultSweepName('/a/.hidden.vsml.json'), 'hidden');
  assert.doesNotThrow(() => checkSweepName('lr_pop-2.b'));
  for (const bad of ['', '../x', 'a/b', '.x', 'a b', 'x'.repeat(101)]) assert.throws(() => checkSweepName(bad), /not a usable sweep name/, bad);
});

test('hashConfigFile is the sha256 of the bytes and names a missing file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-sweep-hash-'));
  writeFileSync(join(dir, 'a.json'), '{}');
  assert.equal(hashConfigFile(join(dir, 'a.json')), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  assert.throws(() => hashConfigFile(join(dir, 'none.json')), /none\.json: does not exist/);
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), '{}');
});
