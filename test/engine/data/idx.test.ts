import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EngineError } from '../../../src/engine/errors';
import { encodeIdx, parseIdx, readIdxFile, readIdxPair } from '../../../src/engine/data/idx';
import { SHARED_DATA } from '../../helpers/paths';

const dir = mkdtempSync(join(tmpdir(), 'vsml-idx-'));
const images = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => i * 10); // [3, 2, 4]
const labels = Uint8Array.from([2, 0, 1]);

test('reads raw and gzip IDX files; gzip is detected by magic, not by name', () => {
  writeFileSync(join(dir, 'raw-images'), encodeIdx([3, 2, 4], images));
  writeFileSync(join(dir, 'zipped-but-no-gz-suffix'), gzipSync(encodeIdx([3, 2, 4], images)));
  for (const f of ['raw-images', 'zipped-but-no-gz-suffix']) {
    const a = readIdxFile(join(dir, f));
    assert.deepEqual(a.dims, [3, 2, 4]);
    assert.deepEqual(Array.from(a.data), Array.from(images));
  }
});

test('pairs images [n, rows, cols] with labels [n]', () => {
  writeFileSync(join(dir, 'i.gz'), gzipSync(encodeIdx([3, 2, 4], images)));
  writeFileSync(join(dir, 'l'), encodeIdx([3], labels));
  const s = readIdxPair(join(dir, 'i.gz'), join(dir, 'l'));
  assert.equal(s.n, 3);
  assert.equal(s.rows, 2);
  assert.equal(s.cols, 4);
  assert.deepEqual(Array.from(s.labels), [2, 0, 1]);
  assert.equal(s.images[1 * 8 + 1 * 4 + 3], (8 + 4 + 3) * 10);
});

test('bad magic, truncated data and count mismatch are EngineErrors naming the file', () => {
  const bad = join(dir, 'bad-magic');
  writeFileSync(bad, Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
  assert.throws(() => readIdxFile(bad), (e: unknown) => e instanceof EngineError && e.file === bad && /bad magic/.test(e.message));

  const trunc = join(dir, 'truncated');
  writeFileSync(trunc, encodeIdx([3, 2, 4], images).subarray(0, 20));
  assert.throws(() => readIdxFile(trunc), (e: unknown) => e instanceof EngineError && e.file === trunc && /truncated IDX file.*need 24 data bytes, found 4/.test(e.message));

  const shortHeader = join(dir, 'short-header');
  writeFileSync(shortHeader, Buffer.from([0, 0, 8, 3, 0, 0]));
  assert.throws(() => readIdxFile(shortHeader), /truncated IDX header/);

  const badGz = join(dir, 'bad.gz');
  writeFileSync(badGz, gzipSync(encodeIdx([3, 2, 4], images)).subarray(0, 15));
  assert.throws(() => readIdxFile(badGz), (e: unknown) => e instanceof EngineError && e.file === badGz && /gzip/.test(e.message));

  const twoLabels = join(dir, 'two-labels');
  writeFileSync(twoLabels, encodeIdx([2], labels.subarray(0, 2)));
  writeFileSync(join(dir, 'i3'), encodeIdx([3, 2, 4], images));
  assert.throws(() => readIdxPair(join(dir, 'i3'), twoLabels), (e: unknown) => e instanceof EngineError && e.file === twoLabels && /2 labels but .* 3 images/.test(e.message));
  // swapped files
  assert.throws(() => readIdxPair(twoLabels, join(dir, 'i3')), /must be 3-d/);
  // non-ubyte element type
  assert.throws(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'f.idx'), /only ubyte/);
});

test('reads the real MNIST test split (gzip IDX)', () => {
  const s = readIdxPair(join(SHARED_DATA, 'mnist-t10k', 't10k-images-idx3-ubyte.gz'), join(SHARED_DATA, 'mnist-t10k', 't10k-labels-idx1-ubyte.gz'));
  assert.equal(s.n, 10000);
  assert.equal(s.rows, 28);
  assert.equal(s.cols, 28);
  assert.equal(Math.max(...s.labels), 9);
  assert.equal(Math.min(...s.labels), 0);
  // the first MNIST test digit is a 7
  assert.equal(s.labels[0], 7);
});
