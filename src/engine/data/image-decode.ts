import type { PNG as PngClass } from 'pngjs';
import type * as JpegJs from 'jpeg-js';
import { EngineError } from '../errors';

/**
 * PNG and JPEG files to 8-bit grayscale pixels, with pure-JS decoders (pngjs, jpeg-js). The format
 * is told by the file's first bytes, not its name. The header is read first, so a file that is too
 * large or in a form we do not read is refused before anything is decoded.
 *
 * Grayscale: luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's convert('L')),
 * rounded. Alpha: composited over black, Y·α/255, so transparent pixels become background 0 (the
 * MNIST convention: dark background, bright strokes).
 */

export type ImageFormat = 'png' | 'jpeg';

/** 8-bit grayscale pixels [rows, cols], row-major. */
export interface GrayImage {
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly rows: number;
  readonly cols: number;
  /** Bits per sample (PNG bit depth, JPEG sample precision). */
  readonly bitDepth: number;
}

/** Decoded pixels per image at most: a 4096x4096 image (16.8 M pixels, 64 MB as RGBA while decoding). */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CONVERT_FIX = 'convert it to an 8-bit PNG or a baseline JPEG (e.g. `magick in.tif -depth 8 out.png`), or remove it';

const fail = (file: string, message: string, fix: string): never => {
  throw new EngineError('', message, fix, file);
};

const startsWith = (buf: Uint8Array, magic: readonly number[]): boolean => buf.length >= magic.length && magic.every((b, i) => buf[i] === b);

/** The format by magic bytes, or null. */
export function sniffImageFormat(buf: Uint8Array): ImageFormat | null {
  if (startsWith(buf, PNG_MAGIC)) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  return null;
}

/** The IHDR chunk, which the PNG standard puts first. */
function pngHeader(buf: Uint8Array, file: string): ImageHeader {
  if (buf.length < 33 || String.fromCharCode(...buf.subarray(12, 16)) !== 'IHDR') {
    fail(file, 'is a corrupt PNG: no IHDR header after the signature', 'export the image again, or remove it');
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { format: 'png', cols: view.getUint32(16), rows: view.getUint32(20), bitDepth: buf[24] };
}

/** The first start-of-frame marker (SOF0..SOF15 but DHT, JPG, DAC) gives precision, rows, cols. */
function jpegHeader(buf: Uint8Array, file: string): ImageHeader {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) break;
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const len = (buf[i + 2] << 8) | buf[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > buf.length) break;
      return { format: 'jpeg', bitDepth: buf[i + 4], rows: (buf[i + 5] << 8) | buf[i + 6], cols: (buf[i + 7] << 8) | buf[i + 8] };
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
    i += 2 + len;
  }
  return fail(file, 'is a corrupt JPEG: no frame header (SOF marker) found', 'export the image again, or remove it');
}

/** Format, size and bit depth from the first bytes, without decoding; throws on anything we cannot decode. */
export function readImageHeader(buf: Uint8Array, file: string): ImageHeader {
  const format = sniffImageFormat(buf);
  if (!format) {
    const head = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return fail(file, buf.length === 0 ? 'is an empty file, not a PNG or JPEG' : `is not a PNG or JPEG file (it starts with bytes ${head})`, CONVERT_FIX);
  }
  const h = format === 'png' ? pngHeader(buf, file) : jpegHeader(buf, file);
  if (h.rows < 1 || h.cols < 1) fail(file, `is a corrupt ${format.toUpperCase()}: its header says ${h.cols}x${h.rows} pixels`, 'export the image again, or remove it');
  if (h.bitDepth > 8) {
    fail(file, `is a ${h.bitDepth}-bit ${format.toUpperCase()}; only 8-bit images are read (pngjs and jpeg-js decode 8 bits per sample)`, CONVERT_FIX);
  }
  if (h.rows * h.cols > MAX_IMAGE_PIXELS) {
    fail(file, `is ${h.cols}x${h.rows} pixels, more than the ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} decoded pixels allowed per image`,
      'downscale it first (e.g. `magick in.png -resize 512x512 out.png`): it is resized to a few dozen pixels anyway');
  }
  return h;
}

/**
 * The decoders, loaded on the first decode: the editor's extension host imports the dataset
 * registry (for availability checks) but never decodes an image.
 */
let decoders: { PNG: typeof PngClass; jpeg: typeof JpegJs } | undefined;
function loadDecoders(): { PNG: typeof PngClass; jpeg: typeof JpegJs } {
  decoders ??= { PNG: (require('pngjs') as { PNG: typeof PngClass }).PNG, jpeg: require('jpeg-js') as typeof JpegJs };
  return decoders;
}

/** RGBA bytes to luminance, composited over black. */
function rgbaToGray(rgba: Uint8Array, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(rows * cols);
  for (let p = 0, q = 0; p < out.length; p++, q += 4) {
    const y = 0.299 * rgba[q] + 0.587 * rgba[q + 1] + 0.114 * rgba[q + 2];
    out[p] = Math.round((y * rgba[q + 3]) / 255);
  }
  return out;
}

/** Decodes a PNG or JPEG file's bytes to grayscale. Errors name `file` and say how to fix it. */
export function decodeGrayImage(buf: Uint8Array, file: string): GrayImage {
  const h = readImageHeader(buf, file);
  let rgba: Uint8Array;
  let rows: number;
  let cols: number;
  const { PNG, jpeg } = loadDecoders();
  try {
    if (h.format === 'png') {
      const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      rgba = png.data;
      rows = png.height;
      cols = png.width;
    } else {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
      rgba = img.data;
      rows = img.height;
      cols = img.width;
    }
  } catch (e) {
    return fail(file, `is a corrupt or unsupported ${h.format.toUpperCase()} (${h.format === 'png' ? 'pngjs' : 'jpeg-js'}: ${(e as Error).message})`,
      'open and re-save it in an image editor, convert it to an 8-bit PNG, or remove it');
  }
  if (rgba.length !== rows * cols * 4) {
    fail(file, `decoded to ${rgba.length} bytes, not ${cols}x${rows} RGBA pixels`, 'open and re-save it in an image editor, or remove it');
  }
  return { rows, cols, pixels: rgbaToGray(rgba, rows, cols) };
}
