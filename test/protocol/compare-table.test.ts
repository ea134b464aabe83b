import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_COMPARE_ROWS, readCompareTableView } from '../../src/protocol/compare-table';
import { FieldError } from '../../src/protocol/fields';

const row = { method: 'vsml', metaTrain: 'mnist', dataset: 'fashion_mnist', meanAccuracy: 0.375, std: 0.02, seeds: 3 };

test('a compare table view parses: rows, time of the last write, or the problem instead', () => {
  const view = { folder: '/w/.vsml/compare-cpu', rows: [row, { ...row, method: 'sgd', metaTrain: '-', std: 0, seeds: 1 }], updatedAt: '2026-12-01T20:00:00.000Z' };
  assert.deepEqual(readCompareTableView(view, 'compare'), view);
  const withChance = { ...view, chance: { mnist: 0.1, fashion_mnist: 0.1 }, warning: 'x' };
  assert.deepEqual(readCompareTableView(withChance, 'compare'), withChance);
  const problem = { folder: '/w/out', rows: [], problem: '/w/out/table.csv: does not exist (yet)' };
  assert.deepEqual(readCompareTableView(problem, 'compare'), problem);
  assert.equal(readCompareTableView({ ...problem, problem: 'x'.repeat(9000) }, 'compare').problem?.length, 2000, 'long problems are cut');
});

test('malformed compare table views are refused with the field named', () => {
  const cases: [unknown, RegExp][] = [
    [null, /^compare: expected an object/],
    [{ rows: [] }, /^compare\.folder: expected a string/],
    [{ folder: '', rows: [] }, /^compare\.folder: expected a non-empty string/],
    [{ folder: '/f', rows: [{ ...row, meanAccuracy: 41.2 }] }, /^compare\.rows\[0\]\.meanAccuracy: expected an accuracy in \[0, 1\], got 41\.2/],
    [{ folder: '/f', rows: [{ ...row, meanAccuracy: '0.4' }] }, /^compare\.rows\[0\]\.meanAccuracy: expected a finite number/],
    [{ folder: '/f', rows: [row, { ...row, std: -1 }] }, /^compare\.rows\[1\]\.std: expected a number >= 0/],
    [{ folder: '/f', rows: [{ ...row, seeds: 0 }] }, /^compare\.rows\[0\]\.seeds/],
    [{ folder: '/f', rows: [{ ...row, dataset: '' }] }, /^compare\.rows\[0\]\.dataset/],
    [{ folder: '/f', rows: [{ ...row, method: 'x'.repeat(1001) }] }, /^compare\.rows\[0\]\.method: expected at most 1000 characters/],
    [{ folder: '/f', rows: [], updatedAt: 'yesterday' }, /^compare\.updatedAt: expected an ISO 8601 time/],
    [{ folder: '/f', rows: [], problem: 7 }, /^compare\.problem: expected a string/],
    [{ folder: '/f', rows: [], chance: { mnist: 0 } }, /^compare\.chance\.mnist: expected a chance level in \(0, 1\], got 0/],
    [{ folder: '/f', rows: [], chance: { mnist: '10%' } }, /^compare\.chance\.mnist: expected a finite number/],
    [{ folder: '/f', rows: [], chance: [0.1] }, /^compare\.chance: expected an object/],
    [{ folder: '/f', rows: [], warning: {} }, /^compare\.warning: expected a string/],
    [{ folder: '/f', rows: Array(MAX_COMPARE_ROWS + 1).fill(row) }, /^compare\.rows: expected at most 10000/],
  ];
  for (const [value, re] of cases) {
    assert.throws(() => readCompareTableView(value, 'compare'), (e: unknown) => e instanceof FieldError && re.test(e.message), JSON.stringify(value)?.slice(0, 200));
  }
});
