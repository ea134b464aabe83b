// Writes an IDX image/label pair (MNIST layout, raw or gzip) out as an image folder for
// `images:<dir>`: one subfolder per class, one 8-bit grayscale PNG (or JPEG) per image.
// The README's "your own images" example uses it to turn notMNIST's letters into PNG files:
//
//   node scripts/idx-to-image-folder.mjs ../shared/data/notmnist/t10k-images-idx3-ubyte.gz \
//     ../shared/data/notmnist/t10k-labels-idx1-ubyte.gz .cache/notmnist-png --classes A,B,C,D,E,F,G,H,I,J --per-class 500
//
// --classes names the folders by label (default: the label number); --per-class keeps the first
// N images of each class (default: all); --format jpg writes JPEG (quality 95) instead of PNG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { classes: { type: 'string' }, 'per-class': { type: 'string' }, format: { type: 'string', default: 'png' } },
});
if (positionals.length !== 3 || !['png', 'jpg'].includes(values.format)) {
  console.error('usage: node scripts/idx-to-image-folder.mjs <images.idx[.gz]> <labels.idx[.gz]> <out-dir> [--classes A,B,...] [--per-class N] [--format png|jpg]');
  process.exit(2);
}
const [imagesFile, labelsFile, outDir] = positionals;

/** Dimensions and bytes of an unsigned-byte IDX file. */
function readIdx(file) {
  let buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const ndim = buf[3];
  const dims = Array.from({ length: ndim }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * ndim) };
}

const images = readIdx(imagesFile);
const labels = readIdx(labelsFile);
const [n, rows, cols] = images.dims;
if (labels.dims[0] !== n) throw new Error(`${labelsFile}: ${labels.dims[0]} labels for ${n} images`);
const names = values.classes?.split(',');
const perClass = values['per-class'] ? Number(values['per-class']) : Infinity;
const written = new Map();
for (let i = 0; i < n; i++) {
  const y = labels.data[i];
  const count = written.get(y) ?? 0;
  if (count >= perClass) continue;
  const name = names?.[y] ?? String(y);
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const gray = images.data.subarray(i * rows * cols, (i + 1) * rows * cols);
  const rgba = Buffer.alloc(rows * cols * 4);
  for (let p = 0; p < gray.length; p++) rgba.fill(gray[p], 4 * p, 4 * p + 3), (rgba[4 * p + 3] = 255);
  const file = join(dir, `${String(i).padStart(5, '0')}.${values.format}`);
  if (values.format === 'png') {
    const png = new PNG({ width: cols, height: rows });
    rgba.copy(png.data);
    writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
  } else {
    writeFileSync(file, jpeg.encode({ data: rgba, width: cols, height: rows }, 95).data);
  }
  written.set(y, count + 1);
}
const total = [...written.values()].reduce((a, b) => a + b, 0);
console.log(`wrote ${total} ${values.format.toUpperCase()} files of ${cols}x${rows} into ${written.size} class folders under ${outDir}`);
