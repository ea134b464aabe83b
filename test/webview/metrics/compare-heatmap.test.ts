import { test } from 'node:test';
import assert from 'node:assert/strict';
import { belowChance, cellText, cellTitle, contrastRatio, heatColor, heatmapOf, scalePosition, textColorOn } from '../../../webview/metrics/compare-heatmap';
import type { CompareTableRow } from '../../../src/protocol/compare-table';
import type { ThemeKind } from '../../../webview/shared/theme';

const r = (method: string, metaTrain: string, dataset: string, meanAccuracy: number, std = 0.01, seeds = 3): CompareTableRow => ({ method, metaTrain, dataset, meanAccuracy, std, seeds });

test('heatmapOf: rows = method and meta-training set, columns = datasets, in the table order; a missing line is an empty cell', () => {
  const table = [
    r('vsml', 'mnist', 'mnist', 0.4), r('vsml', 'mnist', 'sum', 0.9), r('vsml', 'all', 'mnist', 0.45),
    r('sgd', '-', 'mnist', 0.3), r('sgd', '-', 'sum', 0.5),
  ];
  const map = heatmapOf(table);
  assert.deepEqual(map.columns, [{ dataset: 'mnist', min: 0.3, max: 0.45 }, { dataset: 'sum', min: 0.5, max: 0.9 }]);
  assert.deepEqual(map.rows.map((x) => `${x.method}/${x.metaTrain}`), ['vsml/mnist', 'vsml/all', 'sgd/-']);
  assert.equal(map.rows[1].cells[1], undefined, 'vsml meta-trained on all has no sum result yet');
  assert.equal(map.rows[2].cells[0], table[3]);
  // Per column scale: each dataset from its own lowest to highest mean.
  assert.equal(scalePosition(0.3, map.columns[0]), 0);
  assert.equal(scalePosition(0.45, map.columns[0]), 1);
  assert.ok(Math.abs(scalePosition(0.4, map.columns[0]) - 2 / 3) < 1e-12);
  assert.equal(scalePosition(0.9, map.columns[1]), 1);
  assert.equal(scalePosition(0.7, { dataset: 'x', min: 0.7, max: 0.7 }), 0.5, 'one value: the middle of the scale');
});

test('heatColor runs from the low end to the high end in every theme, and the number on it always reads (WCAG AA, 4.5:1)', () => {
  for (const kind of ['light', 'dark', 'high-contrast', 'high-contrast-light'] as ThemeKind[]) {
    const lo = heatColor(0, kind);
    const hi = heatColor(1, kind);
    assert.ok(contrastRatio(lo, hi) >= 2.5, `${kind}: the scale's ends are apart (${contrastRatio(lo, hi).toFixed(2)})`);
    for (let i = 0; i <= 100; i++) {
      const bg = heatColor(i / 100, kind);
      assert.ok(contrastRatio(textColorOn(bg), bg) >= 4.5, `${kind} at ${i}%: ${bg} with ${textColorOn(bg)}`);
    }
    assert.deepEqual(heatColor(Number.NaN, kind), lo);
  }
  assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]).toFixed(1), '21.0');
});

test('a cell shows mean ± std in percent, and its hover the exact numbers', () => {
  const row = r('metarnn', 'all-but-fashion_mnist', 'fashion_mnist', 0.3754, 0.0213, 3);
  assert.equal(cellText(row), '37.5 ± 2.1');
  assert.equal(cellText({ ...row, seeds: 1, std: 0 }), '37.5', 'one seed: no spread');
  const title = cellTitle(row, { dataset: 'fashion_mnist', min: 0.2, max: 0.3754 });
  assert.match(title, /^metarnn, meta-trained on all-but-fashion_mnist, tested on fashion_mnist\n/);
  assert.match(title, /mean online accuracy 0\.3754 \(37\.54%\)/);
  assert.match(title, /std over seeds 0\.0213 \(2\.13 points\)/);
  assert.match(title, /seeds 3/);
  assert.match(title, /column fashion_mnist: 20\.0% to 37\.5% \(best\)/);
  assert.doesNotMatch(cellTitle({ ...row, method: 'adam', metaTrain: '-' }, { dataset: 'x', min: 0, max: 1 }), /meta-trained|chance/);
  assert.match(cellTitle(row, { dataset: 'fashion_mnist', min: 0.2, max: 0.3754 }, 0.1), /\nchance 10\.0%$/);
  const low = { ...row, meanAccuracy: 0.0713 };
  assert.match(cellTitle(low, { dataset: 'fashion_mnist', min: 0.0713, max: 0.3754 }, 0.1), /\nchance 10\.0%: below chance$/);
  assert.equal(belowChance(low, 0.1), true);
  assert.equal(belowChance(row, 0.1), false);
  assert.equal(belowChance(low, undefined), false, 'no chance level known: nothing is marked');
});
