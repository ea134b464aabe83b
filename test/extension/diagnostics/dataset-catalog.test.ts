import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatasetCatalog } from '../../../src/extension/diagnostics/dataset-catalog';

test('idx: folders are probed in a trusted workspace and never in Restricted Mode', () => {
  const empty = mkdtempSync(join(tmpdir(), 'vsml-idx-'));
  let trusted = true;
  const catalog = createDatasetCatalog(() => undefined, () => undefined, Date.now, () => trusted);
  const name = `idx:${join(empty, 'no-such-folder')}`;
  assert.equal(catalog.isDatasetAvailable!(name).available, false, 'trusted: the missing folder is found missing');
  trusted = false;
  assert.deepEqual(catalog.isDatasetAvailable!(name), { available: true }, 'untrusted: nothing is probed, nothing claimed');
});
