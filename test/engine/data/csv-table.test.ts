import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvSyntaxError, parseCsv } from '../../../src/engine/data/csv-table';

test('parses RFC 4180: quotes, doubled quotes, commas and line breaks in quotes, CRLF, BOM, blank lines', () => {
  const rows = parseCsv('\ufeffa,b\r\n"x,y",2\n\n"say ""hi""",""\n3,"two\nlines"\nlast,1');
  assert.deepEqual(rows, [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['x,y', '2'] },
    { line: 4, cells: ['say "hi"', ''] },
    { line: 5, cells: ['3', 'two\nlines'] },
    { line: 7, cells: ['last', '1'] },
  ]);
});

test('keeps empty cells and a trailing newline adds no row', () => {
  assert.deepEqual(parseCsv('1,,3\n,\n').map((r) => r.cells), [['1', '', '3'], ['', '']]);
});

test('an unclosed quote or text after a closing quote is a syntax error with its line', () => {
  assert.throws(() => parseCsv('a,b\n1,"open\n2,3'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2 && /never closed/.test(e.message));
  assert.throws(() => parseCsv('a,b\n"x"y,3'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2 && /after a closing quote/.test(e.message));
});
