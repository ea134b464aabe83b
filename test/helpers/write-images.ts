import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

/** RGBA pixels [rows, cols, 4] from a function of (row, col). */
export function rgba(rows: number, cols: number, px: (r: number, c: number) => readonly [number, number, number, number]): Buffer {
  const data = Buffer.alloc(rows * cols * 4);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data.set(px(r, c), (r * cols + c) * 4);
  return data;
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG with pngjs. */
export function encodePng(rows: number, cols: number, data: Buffer): Buffer {
  const png = new PNG({ width: cols, height: rows });
  data.copy(png.data);
  return PNG.sync.write(png);
}

/** Encodes RGBA pixels as a baseline JPEG with jpeg-js. */
export function encodeJpeg(rows: number, cols: number, data: Buffer, quality = 95): Buffer {
  return Buffer.from(jpeg.encode({ data, width: cols, height: rows }, quality).data);
}

/** A gray image whose brightness is `level` everywhere but a bright stroke in column `stroke`. */
export function glyph(rows: number, cols: number, level: number, stroke: number): Buffer {
  return rgba(rows, cols, (_r, c) => (c === stroke ? [255, 255, 255, 255] : [level, level, level, 255]));
}

export function writeFile(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}
