import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatasetCatalog } from '../../../src/extension/diagnostics/dataset-catalog';
import { writeFile } from '../../helpers/write-images';

test('idx: folders are probed in a trusted workspace and never in Restricted Mode', () => {
  const empty = mkdtempSync(join(tmpdir(), 'vsml-idx-'));
  let trusted = true;
  const catalog = createDatasetCatalog(() => undefined, () => undefined, Date.now, () => trusted);
  const name = `idx:${join(empty, 'no-such-folder')}`;
  assert.equal(catalog.isDatasetAvailable!(name).available, false, 'trusted: the missing folder is found missing');
  trusted = false;
  assert.deepEqual(catalog.isDatasetAvailable!(name), { available: true }, 'untrusted: nothing is probed, nothing claimed');
});

test('editor catalog: images: and csv: are checked by name only, relative to the workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'vsml-ws-'));
  mkdirSync(join(root, 'pets', 'cat'), { recursive: true });
  mkdirSync(join(root, 'flat'));
  writeFile(join(root, 'flat', '1.png'), 'not decoded by the editor');
  writeFile(join(root, 'x.csv'), 'label,a\n0,1\n');
  const cat = createDatasetCatalog(() => undefined, () => root);
  assert.deepEqual(cat.isDatasetAvailable!('images:pets'), { available: true });
  assert.deepEqual(cat.isDatasetAvailable!('csv:x.csv'), { available: true });
  assert.deepEqual(cat.isDatasetAvailable!('csv:x.csv#label=a'), { available: true });
  const flat = cat.isDatasetAvailable!('images:flat');
  assert.equal(flat.available, false);
  assert.match(flat.reason!, /has no class subfolders/);
  assert.match(cat.isDatasetAvailable!('images:missing').reason!, /folder .*missing does not exist/);
  assert.match(cat.isDatasetAvailable!('csv:nope.csv').reason!, /CSV file .*nope\.csv does not exist/);
  assert.match(cat.isDatasetAvailable!('csv:x.csv#colour=red').reason!, /unknown csv option "colour"/);
});
