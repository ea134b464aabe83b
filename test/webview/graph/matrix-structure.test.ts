import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellIndex, cellOf, forEachBlock, relation } from '../../../webview/graph/matrix-structure';
import { cellAt, cellCenter, gridLayout } from '../../../webview/graph/grid-layout';

test('every block the structure visits has the relation its indices imply', () => {
  const sizes = [4, 3, 2];
  const idx = cellIndex(sizes);
  assert.deepEqual(idx.starts, [0, 12, 18]);
  const seen = new Map<string, string>();
  forEachBlock(sizes, [0, 1], (row, col, rel, set) => {
    assert.equal(relation(sizes, idx, row, col), rel, `${row},${col}`);
    const layerOfSender = cellOf(idx, sizes, col).layer;
    assert.equal(set, [0, 1][layerOfSender]);
    seen.set(`${row},${col}`, rel);
  });
  // Counts: 18 diagonal, forward 4*3*2 = 24, backward 3*2*4 = 24.
  const count = (r: string): number => [...seen.values()].filter((v) => v === r).length;
  assert.deepEqual([count('self'), count('forward'), count('backward')], [18, 24, 24]);
  // Cell (a=1, b=2) of layer 0 feeds (2, c) of layer 1; cell (2, 1) of layer 1 feeds (a, 2) of layer 0.
  assert.equal(relation(sizes, idx, 12 + 2 * 2 + 1, 1 * 3 + 2), 'forward');
  assert.equal(relation(sizes, idx, 3 * 3 + 2, 12 + 2 * 2 + 1), 'backward');
  assert.equal(relation(sizes, idx, 12, 17), 'loss');
  assert.equal(relation(sizes, idx, 0, 1), 'none');
});

test('grid layout: cells are whole pixels, found again from their centers', () => {
  for (const sizes of [[784, 10], [16, 6, 10]]) {
    const g = gridLayout(sizes, 900);
    for (const bl of g.blocks) {
      assert.ok(Number.isInteger(bl.cw) && bl.cw >= 1 && Number.isInteger(bl.ch));
      for (const [a, b] of [[0, 0], [bl.A - 1, bl.B - 1], [Math.floor(bl.A / 2), 1]]) {
        const c = cellCenter(g, bl.layer, a, b);
        assert.deepEqual(cellAt(g, c.x, c.y), { layer: bl.layer, a, b });
      }
    }
  }
});
