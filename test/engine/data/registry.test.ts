import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EngineError } from '../../../src/engine/errors';
import { encodeIdx } from '../../../src/engine/data/idx';
import { DEFAULT_CACHE_DIR, datasetAvailability, listDatasets, resolveDataset } from '../../../src/engine/data/registry';
import { SHARED_DATA } from '../../helpers/paths';
import { encodePng, glyph, writeFile } from '../../helpers/write-images';
import { openDataset } from '../../../src/engine/data/episodes';
import { DEFAULT_PREPROCESS } from '../../../src/engine/data/preprocess';

function writePair(dir: string, prefix: string, n: number, rows: number, cols: number, classes: number, gz = true): void {
  mkdirSync(dir, { recursive: true });
  const img = Uint8Array.from({ length: n * rows * cols }, (_, i) => (i * 37) % 256);
  const lab = Uint8Array.from({ length: n }, (_, i) => i % classes);
  const enc = (b: Buffer) => (gz ? gzipSync(b) : b);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${gz ? '.gz' : ''}`), enc(encodeIdx([n, rows, cols], img)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${gz ? '.gz' : ''}`), enc(encodeIdx([n], lab)));
}

test('idx:<dir> finds train and t10k files by name, any image size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  writePair(dir, 'train', 12, 5, 6, 4);
  writePair(dir, 't10k', 6, 5, 6, 4, false);
  const src = resolveDataset(`idx:${dir}`);
  assert.equal(src.kind, 'images');
  if (src.kind !== 'images') return;
  assert.deepEqual(src.splits, ['train', 'test']);
  assert.equal(src.numClasses, 4);
  assert.equal(src.load('train').n, 12);
  assert.equal(src.load('test').n, 6);
  assert.equal(src.load('test').cols, 6);
  assert.ok(src.stats.std > 0);
});

test('idx folder with only test files serves evaluation and refuses the train split', () => {
  const src = resolveDataset(`idx:${join(SHARED_DATA, 'notmnist')}`);
  assert.equal(src.kind, 'images');
  if (src.kind !== 'images') return;
  assert.deepEqual(src.splits, ['test']);
  assert.equal(src.numClasses, 10);
  assert.throws(() => src.load('train'), (e: unknown) => e instanceof EngineError && /no train split/.test(e.message));
});

test('idx folder problems are clear errors', () => {
  const empty = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  assert.throws(() => resolveDataset(`idx:${empty}`), /no IDX image\/label files/);
  assert.throws(() => resolveDataset(`idx:${join(empty, 'nope')}`), /does not exist/);
  const lonely = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  writeFileSync(join(lonely, 'train-images-idx3-ubyte'), encodeIdx([1, 2, 2], new Uint8Array(4)));
  assert.throws(() => resolveDataset(`idx:${lonely}`), /images .* but no labels for the train split/);
  const twice = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  writePair(twice, 'train', 2, 2, 2, 2);
  writePair(twice, 'more-train', 2, 2, 2, 2);
  assert.throws(() => resolveDataset(`idx:${twice}`), /several train images files/);
});

test('unknown names say how to fix them', () => {
  assert.throws(() => resolveDataset('cifar10'), (e: unknown) => e instanceof EngineError && /unknown dataset/.test(e.message) && /idx:<folder>/.test(e.fix));
});

const kmnistCached = existsSync(join(DEFAULT_CACHE_DIR, 'kmnist')) || !!process.env.VSML_DATA_DIR;
test('a missing dataset is "not available offline" with the fetch command as fix', { skip: kmnistCached ? 'kmnist may be in the user cache or VSML_DATA_DIR' : false }, () => {
  const empty = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  const a = datasetAvailability('kmnist', { dataDir: empty });
  assert.equal(a.available, false);
  assert.match(a.source, /not available offline/);
  assert.match(a.error?.fix ?? '', /vsml datasets fetch kmnist/);
  assert.equal(listDatasets({ dataDir: empty }).find((d) => d.name === 'kmnist')?.available, false);
});

test('a data folder takes precedence: <dataDir>/kmnist and EMNIST by prefix, transposed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vsml-reg-'));
  writePair(join(dataDir, 'kmnist'), 'train', 10, 28, 28, 10);
  writePair(join(dataDir, 'kmnist'), 't10k', 10, 28, 28, 10);
  const k = resolveDataset('kmnist', { dataDir });
  assert.match(k.source, /IDX files in .*kmnist/);
  assert.deepEqual(listDatasets({ dataDir }).find((d) => d.name === 'kmnist')?.available, true);

  // EMNIST letters: labels 1..26, images stored transposed
  const em = join(dataDir, 'emnist');
  mkdirSync(em, { recursive: true });
  const img = Uint8Array.from([1, 2, 3, 4]); // stored [col, row]: image is [[1, 3], [2, 4]]
  for (const split of ['train', 'test']) {
    writeFileSync(join(em, `emnist-letters-${split}-images-idx3-ubyte.gz`), gzipSync(encodeIdx([1, 2, 2], img)));
    writeFileSync(join(em, `emnist-letters-${split}-labels-idx1-ubyte.gz`), gzipSync(encodeIdx([1], Uint8Array.from([26]))));
  }
  const letters = resolveDataset('emnist_letters', { dataDir });
  assert.equal(letters.kind, 'images');
  if (letters.kind !== 'images') return;
  assert.equal(letters.numClasses, 26);
  assert.deepEqual(Array.from(letters.load('train').images), [1, 3, 2, 4]);
  assert.deepEqual(Array.from(letters.load('train').labels), [25]);
  // the digits split is a different prefix in the same folder and is not there
  assert.equal(datasetAvailability('emnist', { dataDir }).available, false);
});

test('listDatasets reports every built-in name; mnist is always available offline', () => {
  const rows = listDatasets();
  assert.deepEqual(rows.map((r) => r.name), ['mnist', 'fashion_mnist', 'kmnist', 'emnist', 'emnist_letters', 'random', 'sum']);
  const mnist = rows.find((r) => r.name === 'mnist');
  assert.equal(mnist?.available, true);
  assert.equal(rows.find((r) => r.name === 'random')?.fetchable, false);
  for (const r of rows) assert.ok(r.source.length > 0);
});

test('images:<dir> and csv:<file> resolve to train/test sources that go through the preprocessing like any dataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-reg-own-'));
  for (const cls of ['circle', 'line']) {
    for (let i = 0; i < 5; i++) writeFile(join(dir, 'imgs', cls, `${i}.png`), encodePng(8, 8, glyph(8, 8, cls === 'line' ? 0 : 100, i)));
  }
  const src = resolveDataset(`images:${join(dir, 'imgs')}`);
  assert.equal(src.kind, 'images');
  if (src.kind !== 'images') return;
  assert.deepEqual(src.splits, ['train', 'test']);
  assert.equal(src.numClasses, 2);
  assert.equal(src.load('train').n + src.load('test').n, 10);
  assert.match(src.source, /^10 images in .*imgs \(2 classes: circle, line; 8x8 grayscale; 8 train \/ 2 test\)$/);
  const ds = openDataset(`images:${join(dir, 'imgs')}`, { preprocess: { ...DEFAULT_PREPROCESS, resize: [4, 4] } });
  assert.equal(ds.inputSize, 16);
  assert.equal(ds.size('test'), 2);

  const lines = ['label,a,b,c,d,e'];
  for (let i = 0; i < 10; i++) lines.push(`${i % 2 ? 'b' : 'a'},${i},${i + 1},-3,0,${i * 10}`);
  writeFile(join(dir, 'f.csv'), lines.join('\n'));
  const csv = resolveDataset(`csv:${join(dir, 'f.csv')}`);
  assert.equal(csv.kind === 'images' && csv.flat && csv.notPixels, true);
  // a flat vector is neither resized nor padded: 5 features stay 5 inputs
  const flat = openDataset(`csv:${join(dir, 'f.csv')}`, { preprocess: { ...DEFAULT_PREPROCESS, resize: [7, 7] } });
  assert.equal(flat.inputSize, 5);
  assert.equal(flat.numClasses, 2);
  // a square one is an image: resize applies
  writeFile(join(dir, 'g.csv'), lines.map((l) => l.split(',').slice(0, 5).join(',')).join('\n'));
  const square = openDataset(`csv:${join(dir, 'g.csv')}`, { preprocess: { ...DEFAULT_PREPROCESS, resize: [3, 3] } });
  assert.equal(square.inputSize, 9);
});

test('unknown names list the own-data prefixes', () => {
  assert.throws(() => resolveDataset('pets'), /idx:<folder> \(IDX files\), images:<folder> \(PNG\/JPEG, one subfolder per class\) or csv:<file>/);
});
