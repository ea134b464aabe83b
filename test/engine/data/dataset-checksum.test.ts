import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { checksumOfSet, datasetFingerprint, datasetFingerprints } from '../../../src/engine/data/dataset-checksum';

test('a split\'s checksum is sha256 of its shape, values and labels, and changes with any of them', () => {
  const set = { n: 2, rows: 1, cols: 2, images: new Uint8Array([1, 2, 3, 4]), labels: new Int32Array([0, 1]) };
  const want = createHash('sha256').update('2 1 2 u8\n').update(new Uint8Array([1, 2, 3, 4])).update(new Uint8Array(new Int32Array([0, 1]).buffer)).digest('hex');
  assert.deepEqual(checksumOfSet(set), { examples: 2, sha256: want });
  assert.notEqual(checksumOfSet({ ...set, labels: new Int32Array([1, 0]) }).sha256, want);
  assert.notEqual(checksumOfSet({ ...set, rows: 2, cols: 1 }).sha256, want);
  assert.notEqual(checksumOfSet({ ...set, images: new Uint8Array([1, 2, 3, 5]) }).sha256, want);
});

test('dataset fingerprints: a csv: file per split used, the same data the same checksum; generated tasks have none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fp-'));
  const rows = ['label,a,b,c,d'];
  for (let i = 0; i < 20; i++) rows.push(`${i % 2},${i % 3},${(i * 7) % 5},0.5,${i % 2}`);
  writeFileSync(join(dir, 'a.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'b.csv'), `${rows.join('\n')}\n`);
  const a = datasetFingerprint(`csv:${join(dir, 'a.csv')}`, ['train', 'test']);
  const b = datasetFingerprint(`csv:${join(dir, 'b.csv')}`, ['train', 'test']);
  assert.deepEqual(Object.keys(a.splits).sort(), ['test', 'train']);
  assert.equal(a.splits.train.examples + a.splits.test.examples, 20);
  assert.match(a.splits.train.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(a.splits, b.splits); // same content, other file: same checksums
  assert.notEqual(a.source, b.source);
  const all = datasetFingerprints([{ name: 'sum', split: 'train' }, { name: `csv:${join(dir, 'a.csv')}`, split: 'test' }]);
  assert.deepEqual(all.sum.splits, {});
  assert.match(all.sum.source, /generated/);
  assert.deepEqual(Object.keys(all[`csv:${join(dir, 'a.csv')}`].splits), ['test']);
});
