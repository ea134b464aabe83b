import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { engineDatasetCatalog } from '../../../src/engine/data/catalog';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { SHARED_DATA } from '../../helpers/paths';
import { encodePng, glyph, writeFile } from '../../helpers/write-images';

test('catalog: availability with a reason, and facts of idx folders', () => {
  const cat = engineDatasetCatalog();
  assert.deepEqual(cat.isDatasetAvailable?.('mnist'), { available: true });
  assert.deepEqual(cat.isDatasetAvailable?.('sum'), { available: true });
  const missing = cat.isDatasetAvailable?.(`idx:${join(tmpdir(), 'surely-not-a-folder-vsml')}`);
  assert.equal(missing?.available, false);
  assert.match(missing?.reason ?? '', /does not exist/);
  assert.deepEqual(cat.facts?.(`idx:${join(SHARED_DATA, 'notmnist')}`), { numClasses: 10, shape: [28, 28, 1] });
  assert.equal(cat.facts?.('mnist'), undefined);
});

test('catalog: images: and csv: give their class count and shape (a flat csv says so), or why they are unavailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-cat-'));
  for (const [cls, n] of [['a', 3], ['b', 2]] as const) {
    for (let i = 0; i < n; i++) writeFile(join(dir, 'imgs', cls, `${i}.png`), encodePng(5, 4, glyph(5, 4, 10 * i, 1)));
  }
  writeFile(join(dir, 'feat.csv'), 'y,a,b,c\nx,0.1,2,3\nz,4,5,6\n');
  const cat = engineDatasetCatalog();
  assert.deepEqual(cat.facts?.(`images:${join(dir, 'imgs')}`), { numClasses: 2, shape: [5, 4, 1] });
  assert.deepEqual(cat.facts?.(`csv:${join(dir, 'feat.csv')}`), { numClasses: 2, shape: [1, 3, 1], flat: true });
  const none = cat.isDatasetAvailable?.(`images:${join(dir, 'nope')}`);
  assert.equal(none?.available, false);
  assert.match(none?.reason ?? '', /folder .*nope does not exist/);
  writeFile(join(dir, 'bad.csv'), 'y,a\n0,1\n1,x\n');
  const bad = cat.isDatasetAvailable?.(`csv:${join(dir, 'bad.csv')}`);
  assert.equal(bad?.available, false);
  assert.match(bad?.reason ?? '', /line 3, column "a": "x" is not a number/);
});

test('config checks: images: and csv: are dataset names, and pad.input is not checked against a flat csv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-cat-'));
  writeFile(join(dir, 'feat.csv'), 'y,a,b,c\n0,0.1,2,3\n1,4,5,6\n');
  const cfg = {
    training: { dataset: 'sum' },
    evaluation: { datasets: [`csv:${join(dir, 'feat.csv')}`, `images:${join(dir, 'imgs')}`] },
    data: { preprocess: { pad: { input: [2, 2] } } },
    sum_dataset: { input_size: [2, 2] },
  };
  const r = validateConfigValue(cfg, 'x.vsml.json', { catalog: engineDatasetCatalog() });
  // only the missing image folder is reported (a warning: an evaluation dataset is left out, not an error):
  // no "unknown dataset", no pad-too-small for the 3-feature csv
  assert.equal(r.ok, true);
  assert.deepEqual(r.issues.map((i) => [i.path, i.code, i.severity]), [['evaluation.datasets[1]', 'dataset-unavailable', 'warning']]);
  assert.equal(validateConfigValue(cfg, 'x.vsml.json').ok, true);
});
