import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvSpec, cellNumber, loadCsvDataset, looksLikeHeader, parseCsvSpec } from '../../../src/engine/data/csv-dataset';

const dir = mkdtempSync(join(tmpdir(), 'vsml-csv-'));
let seq = 0;
function csv(text: string, opts: Omit<CsvSpec, 'file'> = {}): ReturnType<typeof loadCsvDataset> {
  const file = join(dir, `t${seq++}.csv`);
  writeFileSync(file, text);
  return loadCsvDataset({ file, ...opts });
}
function csvError(text: string, opts: Omit<CsvSpec, 'file'> = {}): string {
  const file = join(dir, `e${seq++}.csv`);
  writeFileSync(file, text);
  try {
    loadCsvDataset({ file, ...opts });
  } catch (e) {
    const msg = (e as Error).message;
    assert.ok(msg.startsWith(`${file}: `), `names the file: ${msg}`);
    assert.match(msg, /\(fix: .+\)$/);
    return msg.slice(file.length + 2);
  }
  assert.fail('no error');
}
/** All rows (train then test) as [label, ...values], sorted, to compare content regardless of the split. */
function rowsOf(d: ReturnType<typeof loadCsvDataset>): number[][] {
  const out: number[][] = [];
  const F = d.rows * d.cols;
  for (const s of [d.train, d.test]) for (let i = 0; i < s.n; i++) out.push([s.labels[i], ...s.images.subarray(i * F, (i + 1) * F)]);
  return out.sort((a, b) => a.join().localeCompare(b.join()));
}

test('pixel CSV with a header: label column by name anywhere, 0..255 integers as bytes, square -> image', () => {
  const lines = ['p0,p1,p2,label,p3'];
  for (let i = 0; i < 10; i++) lines.push(`${i},${2 * i},${255 - i},${i % 3},7`);
  const d = csv(lines.join('\n'));
  assert.equal(d.hasHeader, true);
  assert.equal(d.labelColumn, 'label');
  assert.deepEqual(d.classNames, ['0', '1', '2']);
  assert.deepEqual([d.rows, d.cols, d.flat, d.pixelLike], [2, 2, false, true]);
  assert.ok(d.train.images instanceof Uint8Array);
  assert.equal(d.train.n + d.test.n, 10);
  assert.deepEqual(rowsOf(d).find((r) => r[1] === 4), [1, 4, 8, 251, 7]);
});

test('no header: the first column is the label; string labels map to sorted indices; floats are kept', () => {
  const d = csv('setosa,5.1,3.5,1.4\nvirginica,6.3,3.3,6\n"versi, color",5.5,2.4,3.8\nsetosa,4.9,3,1.4\nvirginica,5.8,2.7,5.1\n');
  assert.equal(d.hasHeader, false);
  assert.equal(d.labelColumn, 'column 0');
  assert.deepEqual(d.classNames, ['setosa', 'versi, color', 'virginica']);
  assert.deepEqual([d.rows, d.cols, d.flat, d.pixelLike], [1, 3, true, false]);
  assert.ok(d.train.images instanceof Float32Array);
  assert.deepEqual(rowsOf(d)[0], [0, 4.900000095367432, 3, 1.399999976158142]);
});

test('header names class / y; #label= picks a column by name or 0-based index', () => {
  assert.equal(csv('a,b,CLASS\n1,2,0\n3,4,1\n').labelColumn, 'CLASS');
  assert.equal(csv('x1,x2,y\n1,2,0\n3,4,1\n').labelColumn, 'y');
  assert.equal(csv('digit,a,b\n0,1,2\n1,3,4\n').labelColumn, 'digit'); // no known name: first column
  assert.equal(csv('a,b,target\n1,2,0\n3,4,1\n', { label: 'target' }).labelColumn, 'target');
  const byIndex = csv('1,2,0\n3,4,1\n', { label: '2' });
  assert.equal(byIndex.labelColumn, 'column 2');
  assert.deepEqual(rowsOf(byIndex), [[0, 1, 2], [1, 3, 4]]);
});

test('header detection', () => {
  assert.equal(looksLikeHeader(['label', 'a'], ['0', '1']), true);
  assert.equal(looksLikeHeader(['cat', '0.5'], ['dog', '1']), false); // a string label, not a header
  assert.equal(looksLikeHeader(['label', 'a'], ['cat', '1']), true);
  assert.equal(looksLikeHeader(['1', '2'], ['3', '4']), false);
});

test('shape: #shape=flat and #shape=RxC override the square rule', () => {
  const text = 'y,a,b,c,d\n0,1,2,3,4\n1,5,6,7,8\n';
  assert.deepEqual((({ rows, cols, flat }) => [rows, cols, flat])(csv(text)), [2, 2, false]);
  assert.deepEqual((({ rows, cols, flat }) => [rows, cols, flat])(csv(text, { shape: 'flat' })), [1, 4, true]);
  assert.deepEqual((({ rows, cols, flat }) => [rows, cols, flat])(csv(text, { shape: [4, 1] })), [4, 1, false]);
  assert.match(csvError(text, { shape: [3, 3] }), /#shape=3x3 needs 9 feature columns, the file has 4/);
});

test('values in [0, 1] are pixels; values outside are not', () => {
  assert.equal(csv('y,a\n0,0.5\n1,1\n').pixelLike, true);
  assert.equal(csv('y,a\n0,-0.5\n1,1\n').pixelLike, false);
  assert.equal(csv('y,a\n0,300\n1,1\n').pixelLike, false);
});

test('parseCsvSpec reads options after the last #', () => {
  assert.deepEqual(parseCsvSpec('data/x.csv'), { file: 'data/x.csv' });
  assert.deepEqual(parseCsvSpec('data/#1/x.csv'), { file: 'data/#1/x.csv' });
  assert.deepEqual(parseCsvSpec('x.csv#label=species&shape=flat'), { file: 'x.csv', label: 'species', shape: 'flat' });
  assert.deepEqual(parseCsvSpec('x.csv#shape=28x28'), { file: 'x.csv', shape: [28, 28] });
  assert.throws(() => parseCsvSpec('x.csv#lable=y'), /unknown csv option "lable".*the options are label and shape/);
  assert.throws(() => parseCsvSpec('x.csv#shape=round'), /shape=round .* is not "flat" or <rows>x<cols>/);
  assert.throws(() => parseCsvSpec('x.csv#label='), /has no value/);
});

test('errors name the file, the line and the column', () => {
  assert.match(csvError(''), /^is empty/);
  assert.match(csvError('\n\n'), /^is empty/);
  assert.match(csvError('label,a,b\n'), /^has a header but no data rows/);
  assert.match(csvError('label,a\n0,1\n1,2,3\n'), /^line 3 has 3 cells, but line 1 has 2 \(fix: give every row the same columns/);
  assert.match(csvError('label,a,b\n0,1,2\n1,x,3\n'), /^line 3, column "a": "x" is not a number \(fix: every cell but the label must be a number/);
  assert.match(csvError('0,1,2\n1,2,\n'), /^line 2, column 2: empty cell/);
  assert.match(csvError('label,a\n0,1\n,2\n'), /^line 3, column "label": the label is empty/);
  assert.match(csvError('label\n0\n1\n'), /^has only the label column "label", no pixel or feature columns/);
  assert.match(csvError('a,b\n1,2\n', { label: 'species' }), /^has no column "species" for #label=species \(columns: a, b\)/);
  assert.match(csvError('1,2\n3,4\n', { label: '5' }), /no header; columns 0\.\.1/);
  assert.match(csvError('label,a\n0,"1\n'), /^line 2: a quoted field is never closed/);
  const missing = join(dir, 'missing.csv');
  assert.throws(() => loadCsvDataset({ file: missing }), (e: Error) => e.message.includes(`CSV file ${missing} does not exist`));
});

test('refuses a file over the size limit', () => {
  const file = join(dir, 'big.csv');
  writeFileSync(file, 'y,a\n'.padEnd(2000, '\n'));
  assert.throws(() => loadCsvDataset({ file }, 1000), (e: Error) => e.message.startsWith(`${file}: is 0.00191 MiB, more than the 0.000954 MiB limit for csv: datasets`));
});

test('the split holds out 20% of each class, deterministically', () => {
  const lines = ['label,a'];
  for (let i = 0; i < 50; i++) lines.push(`${i % 2 ? 'odd' : 'even'},${i}`);
  const d = csv(lines.join('\n'));
  assert.equal(d.test.n, 10);
  assert.equal(d.train.n, 40);
  const test = [...d.test.images].sort((a, b) => a - b);
  const again = csv(lines.join('\n'));
  assert.deepEqual([...again.test.images].sort((a, b) => a - b), test);
  const train = new Set(d.train.images);
  assert.ok(test.every((v) => !train.has(v)));
});

test('cellNumber: decimal numbers only', () => {
  const cases: [string, number][] = [['12', 12], ['007', 7], [' 3.5 ', 3.5], ['-4', -4], ['+.5', 0.5], ['1e3', 1000], ['2.5E-1', 0.25]];
  for (const [cell, v] of cases) assert.equal(cellNumber(cell), v, cell);
  for (const cell of ['', ' ', '0x10', 'Infinity', 'NaN', '1,5', '1.2.3', '12345678901234567890a']) assert.ok(Number.isNaN(cellNumber(cell)), cell);
});
