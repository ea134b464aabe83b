import { readFileSync } from 'node:fs';
import { EngineError } from '../errors';
import { inflateCapped } from './inflate';

/**
 * Reader for the IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST, notMNIST
 * conversions): a 4-byte magic `0 0 <type> <ndim>`, ndim big-endian uint32 dimensions, then the
 * data row-major. Only unsigned bytes (type 0x08) occur in these datasets, so only they are read.
 * Files may be gzip-compressed; that is detected from the gzip magic bytes, not the file name.
 */

/** A decoded IDX file: `data` holds prod(dims) bytes, row-major. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Images [n, rows, cols] (ubyte; float values from a CSV file) with labels [n]. */
export interface ImageSet<Values extends Uint8Array | Float32Array = Uint8Array> {
  readonly n: number;
  readonly rows: number;
  readonly cols: number;
  /** [n, rows, cols]: bytes 0..255, or (Float32Array) values used as they are. */
  readonly images: Values;
  /** [n] */
  readonly labels: Int32Array;
}

/** A set of bytes or of float values. */
export type AnyImageSet = ImageSet<Uint8Array | Float32Array>;

/** What an image set's values are divided by to reach the [0, 1] scale of pixels: 255 for bytes, 1 for floats. */
export function valueScale(set: AnyImageSet): number {
  return set.images instanceof Float32Array ? 1 : 255;
}

const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

const fail = (file: string, message: string, fix: string): never => {
  throw new EngineError('', message, fix, file);
};

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Decodes IDX bytes (already decompressed). `file` names the source in errors. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  const fix = 'use an uncorrupted MNIST-layout IDX file (e.g. t10k-images-idx3-ubyte[.gz]) or download it again';
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    const got = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(file, `not an IDX file: bad magic bytes [${got}], expected 00 00 <type> <ndim>`, fix);
  }
  const type = buf[2];
  const ndim = buf[3];
  if (type !== UBYTE) {
    fail(file, `IDX element type 0x${type.toString(16)} (${TYPE_NAMES[type] ?? 'unknown'}) is not supported, only ubyte (0x08)`, 'convert the data to unsigned bytes, as MNIST stores it');
  }
  if (ndim < 1) fail(file, 'IDX header declares 0 dimensions', fix);
  const headerLen = 4 + 4 * ndim;
  if (buf.length < headerLen) fail(file, `truncated IDX header: ${buf.length} bytes, need ${headerLen} for ${ndim} dimensions`, fix);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  const have = buf.length - headerLen;
  if (have < count) {
    fail(file, `truncated IDX file: dims [${dims.join(', ')}] need ${count} data bytes, found ${have}`, fix);
  }
  return { dims, data: buf.subarray(headerLen, headerLen + count) };
}

/** Reads one IDX file from disk, raw or gzip. */
export function readIdxFile(file: string): IdxArray {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    return fail(file, `cannot read IDX file: ${(e as Error).message}`, 'check the path and the file permissions');
  }
  let bytes: Uint8Array = raw;
  if (isGzip(raw)) bytes = inflateCapped('gzip', raw, file, 'the gzip data');
  return parseIdx(bytes, file);
}

/** Combines an image file [n, rows, cols] and a label file [n] into one ImageSet. */
export function imageSetFromIdx(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): ImageSet {
  if (images.dims.length !== 3) {
    fail(imagesFile, `image file must be 3-d [n, rows, cols], got dims [${images.dims.join(', ')}]`, 'pass the *-images-idx3-ubyte file here, not the labels');
  }
  if (labels.dims.length !== 1) {
    fail(labelsFile, `label file must be 1-d [n], got dims [${labels.dims.join(', ')}]`, 'pass the *-labels-idx1-ubyte file here, not the images');
  }
  const [n, rows, cols] = images.dims;
  if (labels.dims[0] !== n) {
    fail(labelsFile, `has ${labels.dims[0]} labels but ${imagesFile} has ${n} images`, 'pair image and label files of the same split (train with train, t10k with t10k)');
  }
  if (n === 0 || rows === 0 || cols === 0) fail(imagesFile, `holds no images (dims [${images.dims.join(', ')}])`, 'use a non-empty IDX file');
  return { n, rows, cols, images: images.data, labels: Int32Array.from(labels.data) };
}

/** Reads an images/labels pair of IDX files (each raw or gzip). */
export function readIdxPair(imagesFile: string, labelsFile: string): ImageSet {
  return imageSetFromIdx(readIdxFile(imagesFile), readIdxFile(labelsFile), imagesFile, labelsFile);
}

/** Encodes a ubyte IDX file (used by tests and by the EMNIST extraction to write plain files). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = UBYTE;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
