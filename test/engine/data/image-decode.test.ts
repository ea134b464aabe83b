import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_IMAGE_PIXELS, decodeGrayImage, readImageHeader, sniffImageFormat } from '../../../src/engine/data/image-decode';
import { encodeJpeg, encodePng, rgba } from '../../helpers/write-images';

const FILE = '/data/pets/cat/1.png';

test('PNG: luminance 0.299 R + 0.587 G + 0.114 B, alpha composited over black', () => {
  const px: [number, number, number, number][] = [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [200, 200, 200, 128], [90, 90, 90, 0], [17, 17, 17, 255]];
  const png = encodePng(2, 3, rgba(2, 3, (r, c) => px[r * 3 + c]));
  const img = decodeGrayImage(png, FILE);
  assert.equal(img.rows, 2);
  assert.equal(img.cols, 3);
  assert.deepEqual([...img.pixels], [76, 150, 29, Math.round((200 * 128) / 255), 0, 17]);
});

test('JPEG: decoded by content to grayscale close to the encoded gray levels', () => {
  const data = rgba(16, 16, (r) => (r < 8 ? [40, 40, 40, 255] : [220, 220, 220, 255]));
  const img = decodeGrayImage(encodeJpeg(16, 16, data), '/x/a.jpg');
  assert.equal(img.rows, 16);
  assert.equal(img.cols, 16);
  assert.ok(Math.abs(img.pixels[0] - 40) <= 4, `top ${img.pixels[0]}`);
  assert.ok(Math.abs(img.pixels[15 * 16 + 15] - 220) <= 4, `bottom ${img.pixels[255]}`);
});

test('the format comes from the bytes, not the name', () => {
  const png = encodePng(1, 1, rgba(1, 1, () => [9, 9, 9, 255]));
  assert.equal(sniffImageFormat(png), 'png');
  assert.equal(decodeGrayImage(png, '/x/named-like.jpg').pixels[0], 9);
  assert.equal(sniffImageFormat(encodeJpeg(8, 8, rgba(8, 8, () => [0, 0, 0, 255]))), 'jpeg');
});

test('headers give size and bit depth without decoding', () => {
  const h = readImageHeader(encodePng(5, 7, rgba(5, 7, () => [0, 0, 0, 255])), FILE);
  assert.deepEqual(h, { format: 'png', rows: 5, cols: 7, bitDepth: 8 });
  const j = readImageHeader(encodeJpeg(9, 4, rgba(9, 4, () => [0, 0, 0, 255])), '/x/a.jpg');
  assert.deepEqual(j, { format: 'jpeg', rows: 9, cols: 4, bitDepth: 8 });
});

/** A PNG whose IHDR says other things (the CRC is not fixed: the header check must refuse first). */
function patchedPng(width: number, height: number, bitDepth = 8): Buffer {
  const buf = Buffer.from(encodePng(2, 2, rgba(2, 2, () => [0, 0, 0, 255])));
  buf.writeUInt32BE(width, 16);
  buf.writeUInt32BE(height, 20);
  buf[24] = bitDepth;
  return buf;
}

test('refuses a 16-bit PNG, naming the file and how to convert it', () => {
  assert.throws(() => decodeGrayImage(patchedPng(2, 2, 16), FILE), (e: Error) =>
    e.message.includes(FILE) && /16-bit PNG; only 8-bit images are read/.test(e.message) && /fix: convert it to an 8-bit PNG/.test(e.message));
});

test('refuses an image over the decoded-pixel cap before decoding it', () => {
  assert.throws(() => decodeGrayImage(patchedPng(5000, 4000), FILE), (e: Error) =>
    e.message.includes(FILE) && e.message.includes('5000x4000') && e.message.includes(MAX_IMAGE_PIXELS.toLocaleString('en-US')) && /downscale/.test(e.message));
});

test('corrupt, truncated, empty and non-image files are errors naming the file', () => {
  const png = encodePng(4, 4, rgba(4, 4, () => [1, 2, 3, 255]));
  const cases: [Buffer, RegExp][] = [
    [png.subarray(0, png.length - 20), /corrupt or unsupported PNG \(pngjs: /],
    [Buffer.concat([png.subarray(0, 8), Buffer.from('garbage that is not a chunk')]), /corrupt PNG: no IHDR header/],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]), /corrupt JPEG: no frame header/],
    [Buffer.alloc(0), /is an empty file, not a PNG or JPEG/],
    [Buffer.from('GIF89a....'), /is not a PNG or JPEG file \(it starts with bytes 47 49 46 38\)/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => decodeGrayImage(bytes, FILE), (e: Error) => e.message.startsWith(`${FILE}: `) && pattern.test(e.message) && /\(fix: /.test(e.message), String(pattern));
  }
  const jpg = encodeJpeg(16, 16, rgba(16, 16, () => [5, 5, 5, 255]));
  assert.throws(() => decodeGrayImage(jpg.subarray(0, jpg.length / 2), '/x/a.jpg'), /\/x\/a\.jpg: is a corrupt or unsupported JPEG \(jpeg-js: /);
});
