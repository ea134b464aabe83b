import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../src/engine/data/csv-table';
import { REPO_ROOT } from '../helpers/paths';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'runs', 'pooled-mnist-20261127-192226-edf0');

function vsml(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const jsonl = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('vsml export --csv: one row per meta-step, every key a column, numbers in full precision', () => {
  const r = vsml(['export', FIXTURE, '--csv']);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = parseCsv(r.stdout).map((x) => x.cells);
  const expected = jsonl(join(FIXTURE, 'metrics.jsonl'));
  assert.deepEqual(header.slice(0, 3), ['step', 'time', 'stepSeconds']);
  assert.deepEqual([...header].sort(), Object.keys(expected[0]).sort());
  assert.equal(rows.length, expected.length);
  rows.forEach((cells, i) => header.forEach((h, j) => assert.equal(Number(cells[j]), expected[i][h])));
});

test('vsml export --csv --eval: one row per (step, dataset, method), curves left in the JSON', () => {
  const r = vsml(['export', FIXTURE, '--csv', '--eval']);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = parseCsv(r.stdout).map((x) => x.cells);
  assert.deepEqual(header, ['step', 'time', 'dataset', 'split', 'length', 'episodes', 'method', 'meanAccuracy', 'finalAccuracy', 'meanLoss', 'lr', 'model']);
  const evals = jsonl(join(FIXTURE, 'eval.jsonl')) as { step: number; dataset: string; methods: Record<string, { meanAccuracy: number; lr?: number; model?: string }> }[];
  const expected = evals.flatMap((e) => Object.entries(e.methods).map(([m, res]) => [String(e.step), e.dataset, m, String(res.meanAccuracy), res.lr === undefined ? '' : String(res.lr), res.model ?? '']));
  assert.deepEqual(rows.map((c) => [c[0], c[2], c[6], c[7], c[10], c[11]]), expected);
  assert.ok(expected.length >= 8);
});

test('vsml export skips a torn line (with a note), adds keys that appear later, quotes cells, writes --out', () => {
  const run = join(mkdtempSync(join(tmpdir(), 'vsml-export-')), 'run');
  cpSync(FIXTURE, run, { recursive: true });
  appendFileSync(join(run, 'metrics.jsonl'), '{"step":99,"time":1,"stepSeconds":1,"metaLoss":2,"note":"a, \\"quoted\\" note"}\n{"step":100,"ti');
  const out = join(run, 'metrics.csv');
  const r = vsml(['export', run, '--csv', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /skipped 1 unreadable line of metrics\.jsonl/);
  assert.match(r.stderr, /wrote \d+ rows to /);
  const table = parseCsv(readFileSync(out, 'utf8')).map((x) => x.cells);
  assert.equal(table[0][table[0].length - 1], 'note');
  const last = table[table.length - 1];
  assert.equal(last[0], '99');
  assert.equal(last[last.length - 1], 'a, "quoted" note');
  assert.equal(last[table[0].indexOf('gradNorm')], '');
});

test('vsml export: a missing run or a folder that is not a run is an error; no --csv is a usage error', () => {
  const missing = join(tmpdir(), 'no-such-run-vsml');
  const r = vsml(['export', missing, '--csv']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${missing}: does not exist`));
  assert.match(r.stderr, /fix: pass a run folder/);
  const notRun = mkdtempSync(join(tmpdir(), 'vsml-notrun-'));
  writeFileSync(join(notRun, 'metrics.jsonl'), '');
  assert.match(vsml(['export', notRun, '--csv']).stderr, /is not a run folder \(no config\.json\)/);
  assert.equal(vsml(['export', FIXTURE]).code, 2);
});
