import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { engineDatasetCatalog } from '../../../src/engine/data/catalog';
import { SHARED_DATA } from '../../helpers/paths';

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
