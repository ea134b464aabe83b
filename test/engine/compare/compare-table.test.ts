import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTableCsv, parseTableCsv, TABLE_CSV_HEADER, TableRow } from '../../../src/engine/compare/compare-table';
import { EngineError } from '../../../src/engine/errors';

const ROWS: TableRow[] = [
  { method: 'vsml', metaTrain: 'mnist', dataset: 'mnist', meanAccuracy: 0.4123, std: 0.0131, seeds: 3 },
  { method: 'vsml', metaTrain: 'all-but-fashion_mnist', dataset: 'idx:../shared/data/notmnist', meanAccuracy: 0.3, std: 0, seeds: 1 },
  // Names holding a comma, a quote and a newline are quoted by the writer and must come back whole.
  { method: 'metarnn', metaTrain: 'a,b', dataset: 'say "hi"\nthere', meanAccuracy: 1, std: 0.25, seeds: 2 },
  { method: 'sgd', metaTrain: '-', dataset: 'mnist', meanAccuracy: 0, std: 0, seeds: 2 },
];

const FILE = '/x/out/table.csv';
const errorOf = (text: string): EngineError => {
  try {
    parseTableCsv(text, FILE);
  } catch (e) {
    assert.ok(e instanceof EngineError, String(e));
    return e;
  }
  assert.fail(`parsed without an error:\n${text}`);
};

test('parseTableCsv reads back what formatTableCsv writes, quoted names included', () => {
  const back = parseTableCsv(formatTableCsv(ROWS), FILE);
  assert.deepEqual(back, ROWS.map((r) => ({ ...r, meanAccuracy: Number(r.meanAccuracy.toFixed(4)), std: Number(r.std.toFixed(4)) })));
  assert.deepEqual(parseTableCsv(`${TABLE_CSV_HEADER}\n`, FILE), [], 'a table with no finished cell yet');
  // CRLF line ends, a byte order mark and blank lines (a spreadsheet saved it) read the same.
  const crlf = `\uFEFF${formatTableCsv(ROWS.slice(0, 2)).replace(/\n/g, '\r\n')}\r\n\r\n`;
  assert.deepEqual(parseTableCsv(crlf, FILE).map((r) => r.metaTrain), ['mnist', 'all-but-fashion_mnist']);
});

test('parseTableCsv names the file, line and field of the first problem, with a fix', () => {
  const row = (line: string): string => `${TABLE_CSV_HEADER}\nvsml,mnist,mnist,0.5,0.1,2\n${line}\n`;
  const cases: [string, RegExp][] = [
    ['', /^\/x\/out\/table\.csv: line 1: is empty: no header/],
    ['method,dataset,meanAccuracy\nvsml,mnist,0.5\n', /^\/x\/out\/table\.csv: line 1, header: must be method,metaTrain,dataset,meanAccuracy,std,seeds, got "method,dataset,meanAccuracy" \(fix: /],
    [row('vsml,mnist,fashion_mnist,abc,0.1,2'), /^\/x\/out\/table\.csv: line 3, meanAccuracy: must be a number in \[0, 1\], got "abc" \(fix: /],
    [row('vsml,mnist,fashion_mnist,,0.1,2'), /line 3, meanAccuracy: must be a number in \[0, 1\], got ""/],
    [row('vsml,mnist,fashion_mnist,41.2,0.1,2'), /line 3, meanAccuracy: must be a number in \[0, 1\], got "41.2"/],
    [row('vsml,mnist,fashion_mnist,0.4,-0.1,2'), /line 3, std: must be a number >= 0, got "-0.1"/],
    [row('vsml,mnist,fashion_mnist,0.4,0.1,1.5'), /line 3, seeds: must be a whole number >= 1, got "1.5"/],
    [row('vsml,mnist,fashion_mnist,0.4,0.1,0x10'), /line 3, seeds: must be a whole number >= 1, got "0x10"/],
    [row('rmsprop,-,mnist,0.4,0.1,2'), /line 3, method: must be one of vsml, metarnn, hebbian, fwm, sgd, adam, got "rmsprop"/],
    [row('vsml,,mnist,0.4,0.1,2'), /line 3, metaTrain: is empty/],
    [row('vsml,mnist,0.4,0.1,2'), /line 3: has 5 fields, expected 6 \(method,metaTrain,dataset,meanAccuracy,std,seeds\) \(fix: quote a name/],
    [row('vsml,mnist,mnist,0.4,0.1,2'), /line 3, dataset: repeats vsml, mnist, mnist of line 2/],
    [row('vsml,"mnist,0.4,0.1,2'), /^\/x\/out\/table\.csv: line 3: has a quoted field that never closes/],
  ];
  for (const [text, want] of cases) assert.match(errorOf(text).message, want, JSON.stringify(text));
  // A quoted name spanning lines: the next row's problem is on the line it starts on.
  const multi = `${TABLE_CSV_HEADER}\nvsml,mnist,"two\nlines",0.5,0.1,2\nadam,-,mnist,x,0,1\n`;
  assert.match(errorOf(multi).message, /line 4, meanAccuracy/);
});
