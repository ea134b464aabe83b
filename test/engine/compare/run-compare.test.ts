import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { parseSuite } from '../../../src/engine/compare/suite';
import { runCompare } from '../../../src/engine/compare/run-compare';
import { parseTableCsv } from '../../../src/engine/compare/compare-table';
import { tinyCompareSuite } from '../../helpers/tiny-compare-suite';

const TINY = tinyCompareSuite();

test('a tiny suite writes table.csv and table.md, every method on every dataset over both seeds, and resumes without recomputing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-compare-'));
  const suiteFile = join(dir, 'tiny.suite.json');
  const suite = parseSuite(TINY, suiteFile);
  const runner = new ReferenceRunner();
  const lines: string[] = [];
  // What a reader of the folder sees while the grid runs: the table of the cells finished so far.
  const during: string[] = [];
  const log = (l: string): void => {
    lines.push(l);
    if (l.startsWith('[2/6]')) during.push(...parseTableCsv(readFileSync(join(dir, 'out', 'table.csv'), 'utf8'), 'table.csv').map((r) => `${r.method},${r.dataset},${r.seeds}`));
  };
  const first = await runCompare({ suite, suiteFile, outDir: join(dir, 'out'), runner, log });
  assert.deepEqual(during, ['vsml,mnist,1', 'vsml,sum,1'], 'table.csv is written after each finished cell');
  assert.equal(first.complete, true);
  assert.equal(first.computed, 6, 'vsml and metarnn for 2 seeds, and one SGD/Adam cell per seed');
  assert.ok(lines.some((l) => l.startsWith('[1/6] vsml__mnist__s1: meta-training 2 steps on mnist')), lines.join('\n'));

  const csv = readFileSync(join(dir, 'out', 'table.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'method,metaTrain,dataset,meanAccuracy,std,seeds');
  const rows = csv.slice(1).map((l) => l.split(','));
  assert.deepEqual(rows.map((r) => `${r[0]},${r[1]},${r[2]},${r[5]}`), [
    'vsml,mnist,mnist,2', 'vsml,mnist,sum,2', 'metarnn,mnist,mnist,2', 'metarnn,mnist,sum,2',
    'sgd,-,mnist,2', 'sgd,-,sum,2', 'adam,-,mnist,2', 'adam,-,sum,2',
  ]);
  for (const r of rows) {
    const acc = Number(r[3]);
    assert.ok(acc >= 0 && acc <= 1 && Number(r[4]) >= 0, r.join(','));
  }
  // The mean and spread are over the two seeds' stored cells.
  const cell = (id: string) => JSON.parse(readFileSync(join(dir, 'out', 'cells', `${id}.json`), 'utf8'));
  const a = [cell('vsml__mnist__s1'), cell('vsml__mnist__s2')].map((c) => c.accuracy.vsml.sum);
  const mean = (a[0] + a[1]) / 2;
  assert.equal(rows[1][3], mean.toFixed(4));
  assert.equal(rows[1][4], (Math.abs(a[0] - a[1]) / Math.SQRT2).toFixed(4), 'the sample standard deviation of two values');
  // The chance level of each meta-test dataset, for readers of table.csv: 10 digits, 2 classes of sum.
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'out', 'classes.json'), 'utf8')), { classes: { mnist: 10, sum: 2 } });
  const md = readFileSync(join(dir, 'out', 'table.md'), 'utf8');
  assert.match(md, /^\| method \| meta-trained on \| mnist \| sum \|/);
  assert.match(md, /\| metarnn \| mnist \| \d+\.\d ± \d+\.\d \| \d+\.\d ± \d+\.\d \|/);
  assert.match(md, /\| sgd \| - \|/);

  // Again: nothing recomputed, the same table.
  const before = readFileSync(join(dir, 'out', 'table.csv'), 'utf8');
  const second = await runCompare({ suite, suiteFile, outDir: join(dir, 'out'), runner });
  assert.equal(second.computed, 0);
  assert.equal(second.reused, 6);
  assert.equal(readFileSync(join(dir, 'out', 'table.csv'), 'utf8'), before);

  // A lost cell file whose meta-training finished is re-evaluated, not re-trained, to the same numbers.
  rmSync(join(dir, 'out', 'cells', 'metarnn__mnist__s2.json'));
  const third = await runCompare({ suite, suiteFile, outDir: join(dir, 'out'), runner });
  assert.equal(third.computed, 1);
  assert.equal(readdirSync(join(dir, 'out', 'runs', 'metarnn__mnist__s2')).length, 1, 'no second run folder');
  assert.equal(readFileSync(join(dir, 'out', 'table.csv'), 'utf8'), before);
});

test('a stopped meta-training resumes from its checkpoint on the next call and gives what an uninterrupted one gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-compare-'));
  const suiteFile = join(dir, 'tiny.suite.json');
  const suite = parseSuite({ ...TINY, seeds: [3], methods: { metarnn: TINY.methods.metarnn } }, suiteFile);
  const runner = new ReferenceRunner();
  const whole = await runCompare({ suite, suiteFile, outDir: join(dir, 'whole'), runner });
  // Stop after the first meta-step: a runner that aborts once it has served one ES step.
  const ac = new AbortController();
  let calls = 0;
  const stopping = { ...runner, name: runner.name, backend: runner.backend, precision: runner.precision, threads: 1,
    run: async (...args: Parameters<ReferenceRunner['run']>) => {
      const r = await runner.run(...args);
      if (++calls === 1) ac.abort();
      return r;
    },
    dispose: async () => {} };
  const stopped = await runCompare({ suite, suiteFile, outDir: join(dir, 'split'), runner: stopping, signal: ac.signal });
  assert.equal(stopped.complete, false);
  assert.equal(stopped.rows.length, 0);
  const resumed = await runCompare({ suite, suiteFile, outDir: join(dir, 'split'), runner });
  assert.equal(resumed.complete, true);
  assert.deepEqual(resumed.rows, whole.rows);
});

test('suite errors name the file, the field and the fix', () => {
  const bad = (patch: object) => () => parseSuite({ ...TINY, ...patch }, 'x.suite.json');
  assert.throws(bad({ methods: { lstm: {} } }), /x\.suite\.json: methods\.lstm: is not a method \(fix: use vsml, metarnn, hebbian, fwm, sgd, adam\)/);
  assert.throws(bad({ seeds: [] }), /seeds: must be a non-empty list/);
  assert.throws(bad({ metaTrain: ['all-but-cifar10'] }), /metaTrain\[0\]: "all-but-cifar10" leaves out "cifar10", which is not in the pool/);
  assert.throws(bad({ methods: { vsml: { model: { type: 'MetaRNN' } } } }), /methods\.vsml\.model\.type: is "MetaRNN", but method vsml is VSMLRNN/);
  assert.throws(bad({ evaluation: { episode_length: 0 } }), /evaluation\.episode_length: must be a positive integer/);
  assert.throws(bad({ sedes: [1] }), /sedes: is not a suite field/);
});
