import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonSize, loadImageFolder } from '../../../src/engine/data/image-folder';
import { encodeJpeg, encodePng, glyph, writeFile } from '../../helpers/write-images';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-imgdir-'));

/** A class folder with `n` distinct 6x6 PNGs: background gray `level` (+1 every 6 images), stroke in column i % 6. */
function writeClass(dir: string, name: string, n: number, level: number): void {
  for (let i = 0; i < n; i++) writeFile(join(dir, name, `${String(i).padStart(3, '0')}.png`), encodePng(6, 6, glyph(6, 6, level + Math.floor(i / 6), i % 6)));
}

test('classes are the sorted subfolders; nested folders count, other files and hidden entries are ignored', () => {
  const dir = tmp();
  writeClass(dir, 'zebra', 5, 30);
  writeClass(dir, 'Ant', 5, 60); // 'A' < 'c' < 'z' in code-point order, as Python's sorted()
  writeClass(dir, 'cat', 3, 90);
  writeFile(join(dir, 'cat', 'more', 'deeper', 'x.PNG'), encodePng(6, 6, glyph(6, 6, 90, 0)));
  writeFile(join(dir, 'cat', 'notes.txt'), 'not an image');
  writeFile(join(dir, 'cat', '.hidden.png'), 'not even a png');
  writeFile(join(dir, '.thumbs', 'a.png'), 'hidden folder');
  writeFile(join(dir, 'README.md'), 'files at the top are not classes');
  symlinkSync(dir, join(dir, 'cat', 'loop')); // a linked folder is not followed
  const f = loadImageFolder(dir);
  assert.deepEqual(f.classNames, ['Ant', 'cat', 'zebra']);
  assert.deepEqual(f.classCounts, [5, 4, 5]);
  assert.equal(f.train.n + f.test.n, 14);
  assert.deepEqual([f.rows, f.cols], [6, 6]);
  // labels follow the folders: each class's background level shows up with its label only
  for (const set of [f.train, f.test]) {
    for (let i = 0; i < set.n; i++) {
      const corner = set.images[i * 36 + 5 * 6 + (set.images[i * 36] === 255 ? 1 : 0)];
      assert.equal(corner, [60, 90, 30][set.labels[i]]);
    }
  }
});

test('the split holds out 20% of each class (at least one), is disjoint and the same every time', () => {
  const dir = tmp();
  writeClass(dir, 'a', 10, 10);
  writeClass(dir, 'b', 2, 20);
  writeClass(dir, 'c', 1, 30);
  const f = loadImageFolder(dir);
  const count = (labels: Int32Array, c: number): number => labels.filter((y) => y === c).length;
  assert.deepEqual([0, 1, 2].map((c) => count(f.test.labels, c)), [2, 1, 0]);
  assert.deepEqual([0, 1, 2].map((c) => count(f.train.labels, c)), [8, 1, 1]);
  const key = (s: typeof f.train, i: number): string => `${s.labels[i]}:${Buffer.from(s.images.subarray(i * 36, (i + 1) * 36)).toString('hex')}`;
  const trainKeys = new Set(Array.from({ length: f.train.n }, (_, i) => key(f.train, i)));
  for (let i = 0; i < f.test.n; i++) assert.ok(!trainKeys.has(key(f.test, i)), 'an image is in both splits');
  const again = loadImageFolder(dir);
  assert.deepEqual(again.test.images, f.test.images);
  assert.deepEqual(again.train.labels, f.train.labels);
});

test('images of other sizes are resized to the most common size; JPEG and PNG mix', () => {
  const dir = tmp();
  writeClass(dir, 'a', 3, 100); // 6x6
  writeFile(join(dir, 'b', 'big.jpg'), encodeJpeg(12, 12, glyph(12, 12, 200, 99)));
  writeFile(join(dir, 'b', 'small.png'), encodePng(3, 3, glyph(3, 3, 50, 99)));
  const f = loadImageFolder(dir);
  assert.deepEqual([f.rows, f.cols], [6, 6]);
  assert.equal(f.resized, 2);
  const all = [f.train, f.test];
  const b = all.flatMap((s) => Array.from({ length: s.n }, (_, i) => i).filter((i) => s.labels[i] === 1).map((i) => s.images[i * 36 + 14]));
  assert.equal(b.length, 2);
  // 12x12 -> 6x6 averages 2x2 blocks (JPEG: within a few levels); 3x3 -> 6x6 is bilinear of a flat image
  assert.deepEqual(b.map((v) => (Math.abs(v - 200) <= 4 ? 200 : v)).sort(), [200, 50].sort());
});

test('commonSize: the most frequent size, ties to the larger then the wider', () => {
  assert.deepEqual(commonSize([[28, 28], [32, 32], [28, 28]]), [28, 28]);
  assert.deepEqual(commonSize([[28, 28], [32, 32]]), [32, 32]);
  assert.deepEqual(commonSize([[4, 8], [8, 4]]), [4, 8]);
});

test('errors name the folder or file and the fix', () => {
  const missing = join(tmp(), 'nope');
  assert.throws(() => loadImageFolder(missing), (e: Error) => e.message.includes(`folder ${missing} does not exist`) && /one subfolder of PNG\/JPEG images per class/.test(e.message));

  const flat = tmp();
  writeFile(join(flat, '1.png'), encodePng(2, 2, glyph(2, 2, 0, 0)));
  assert.throws(() => loadImageFolder(flat), /has no class subfolders \(fix: put the images in one subfolder per class/);

  const empty = tmp();
  writeClass(empty, 'a', 2, 0);
  mkdirSync(join(empty, 'b'));
  writeFile(join(empty, 'b', 'list.txt'), 'x');
  assert.throws(() => loadImageFolder(empty), (e: Error) => e.message.includes(`class folder ${join(empty, 'b')} holds no .png/.jpg/.jpeg image`) && /remove the folder/.test(e.message));

  const gif = tmp();
  writeClass(gif, 'a', 2, 0);
  writeFile(join(gif, 'a', 'anim.gif'), 'GIF89a');
  assert.throws(() => loadImageFolder(gif), (e: Error) => e.message.startsWith(join(gif, 'a', 'anim.gif')) && /is a GIF image; image folders read PNG and JPEG only/.test(e.message));

  const corrupt = tmp();
  writeClass(corrupt, 'a', 2, 0);
  writeFile(join(corrupt, 'a', 'broken.png'), encodePng(6, 6, glyph(6, 6, 0, 0)).subarray(0, 40));
  assert.throws(() => loadImageFolder(corrupt), (e: Error) => e.message.startsWith(`${join(corrupt, 'a', 'broken.png')}: is a corrupt or unsupported PNG`));
});

test('refuses a folder over the image-count or stored-bytes limit before decoding', () => {
  const dir = tmp();
  writeClass(dir, 'a', 4, 0);
  writeClass(dir, 'b', 4, 0);
  writeFile(join(dir, 'b', 'zz-corrupt.png'), 'would fail to decode, but the limit is checked first');
  assert.throws(() => loadImageFolder(dir, { maxImages: 6, maxBytes: 1e9 }), /holds more than 6 images \(the limit for images: datasets\)/);
  assert.throws(() => loadImageFolder(dir, { maxImages: 100, maxBytes: 100 }), (e: Error) =>
    /is not a PNG or JPEG file/.test(e.message)); // headers are read first: the corrupt file is named
  const ok = tmp();
  writeClass(ok, 'a', 4, 0);
  assert.throws(() => loadImageFolder(ok, { maxImages: 100, maxBytes: 100 }), /would take 0\.000137 MiB as 4 grayscale images of 6x6, more than the 0\.0000954 MiB limit/);
});
