import { existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { EngineError } from '../errors';
import { ImageSet } from './idx';
import { GrayImage, decodeGrayImage, readImageHeader } from './image-decode';
import { holdOutSplit, takeExamples } from './holdout-split';
import { resizeImage } from './preprocess';

/**
 * `images:<dir>`: PNG/JPEG files in one subfolder per class, like torchvision's ImageFolder.
 *
 * - Classes are the sorted names of `<dir>`'s subfolders (hidden ones, starting with '.', are
 *   skipped); a class's label is its index in that order. Files directly in `<dir>` are ignored.
 * - Inside a class folder every `.png`, `.jpg`, `.jpeg` file counts, in nested folders too (as
 *   torchvision walks them, not following linked folders); hidden entries and files of other kinds (`.txt`, `.csv`, ...) are
 *   ignored, but images in formats we cannot decode (`.gif`, `.bmp`, `.webp`, `.tif`, ...) are
 *   an error rather than silently dropped. A class folder without images is an error (its label
 *   would be a class with no examples).
 * - Images are decoded to 8-bit grayscale (image-decode.ts) and all brought to one size, the size
 *   most of them have (ties: the larger, then the wider); others are resized with the pipeline's
 *   resize (average pooling for integer factors, else bilinear). `data.preprocess.resize` then
 *   takes that size to the run's input size like any dataset's.
 * - Split: 20% of each class held out as `test` (holdout-split.ts), the rest `train`.
 * - Limits (checked from the file headers before anything is decoded): IMAGE_FOLDER_LIMITS (at
 *   most 200,000 images and 256 MiB of stored pixels) and MAX_IMAGE_PIXELS per image.
 */

export interface ImageFolderLimits {
  /** Image files per folder. */
  readonly maxImages: number;
  /** Stored grayscale bytes: images x rows x cols at the common size. */
  readonly maxBytes: number;
}

/** 200,000 images and 256 MiB of stored pixels (e.g. 340,000 28x28 images would be over). */
export const IMAGE_FOLDER_LIMITS: ImageFolderLimits = { maxImages: 200_000, maxBytes: 256 * 2 ** 20 };

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const UNSUPPORTED_IMAGE_EXTENSIONS = new Set(['.gif', '.bmp', '.webp', '.tif', '.tiff', '.heic', '.heif', '.avif', '.ico', '.ppm', '.pgm', '.svg']);

export interface ImageFolder {
  readonly dir: string;
  readonly classNames: readonly string[];
  /** Images per class, before the split. */
  readonly classCounts: readonly number[];
  /** The common size every image is brought to. */
  readonly rows: number;
  readonly cols: number;
  /** How many images had another size and were resized. */
  readonly resized: number;
  readonly train: ImageSet;
  readonly test: ImageSet;
}

const fail = (message: string, fix: string, file?: string): never => {
  throw new EngineError('', message, fix, file);
};

const hidden = (name: string): boolean => name.startsWith('.');

/** Image files under a class folder, recursively, sorted by path. */
function listImages(classDir: string, out: string[]): void {
  for (const name of readdirSync(classDir).sort()) {
    if (hidden(name)) continue;
    const path = join(classDir, name);
    const st = statSync(path);
    if (st.isDirectory()) {
      // Linked folders are not followed (as os.walk in torchvision): a link to a parent would loop.
      if (!lstatSync(path).isSymbolicLink()) listImages(path, out);
      continue;
    }
    if (!st.isFile()) continue;
    const ext = extname(name).toLowerCase();
    if (IMAGE_EXTENSIONS.has(ext)) out.push(path);
    else if (UNSUPPORTED_IMAGE_EXTENSIONS.has(ext)) {
      fail(`is a ${ext.slice(1).toUpperCase()} image; image folders read PNG and JPEG only`,
        'convert it to PNG (e.g. `magick in.gif out.png`), or move it out of the folder', path);
    }
  }
}

/** The most frequent [rows, cols]; ties go to the larger, then the wider size. */
export function commonSize(sizes: readonly (readonly [number, number])[]): [number, number] {
  const counts = new Map<string, { size: [number, number]; n: number }>();
  for (const [r, c] of sizes) {
    const k = `${r}x${c}`;
    const e = counts.get(k);
    if (e) e.n++;
    else counts.set(k, { size: [r, c], n: 1 });
  }
  const best = [...counts.values()].sort((a, b) => b.n - a.n || b.size[0] * b.size[1] - a.size[0] * a.size[1] || b.size[1] - a.size[1])[0];
  return best.size;
}

/** Scans, checks and decodes a class-per-subfolder image folder (see the file comment). */
export function loadImageFolder(dir: string, limits: ImageFolderLimits = IMAGE_FOLDER_LIMITS): ImageFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail(`folder ${dir} does not exist`, 'give a folder holding one subfolder of PNG/JPEG images per class, e.g. images:data/pets with data/pets/cat/1.png, data/pets/dog/1.png');
  }
  const classNames = readdirSync(dir).filter((n) => !hidden(n) && statSync(join(dir, n)).isDirectory()).sort();
  if (classNames.length === 0) {
    fail(`folder ${dir} has no class subfolders`, `put the images in one subfolder per class, e.g. ${join(dir, 'cat', '1.png')} and ${join(dir, 'dog', '1.png')}`);
  }
  const files: string[] = [];
  const fileLabels: number[] = [];
  const classCounts = classNames.map((name, label) => {
    const list: string[] = [];
    listImages(join(dir, name), list);
    if (list.length === 0) {
      fail(`class folder ${join(dir, name)} holds no .png/.jpg/.jpeg image`, 'add images to it, or remove the folder (each subfolder is a class)');
    }
    if (files.length + list.length > limits.maxImages) {
      fail(`folder ${dir} holds more than ${limits.maxImages.toLocaleString('en-US')} images (the limit for images: datasets)`,
        'use a subset of the images, or convert them to IDX files and use idx:<folder>');
    }
    for (const f of list) {
      files.push(f);
      fileLabels.push(label);
    }
    return list.length;
  });

  // Pass 1: headers only, so a folder over the limits is refused before any decoding.
  const sizes = files.map((f): [number, number] => {
    const h = readImageHeader(readFileSync(f), f);
    return [h.rows, h.cols];
  });
  const [rows, cols] = commonSize(sizes);
  const pix = rows * cols;
  if (files.length * pix > limits.maxBytes) {
    const mib = (b: number): string => `${+(b / 2 ** 20).toPrecision(3)} MiB`;
    fail(`folder ${dir} would take ${mib(files.length * pix)} as ${files.length} grayscale images of ${cols}x${rows}, more than the ${mib(limits.maxBytes)} limit for images: datasets`,
      'downscale the images first (they are resized to a few dozen pixels for the network anyway), or use fewer of them');
  }

  // Pass 2: decode each image and store it at the common size.
  const images = new Uint8Array(files.length * pix); // [n, rows, cols]
  const resizedBuf = new Float64Array(pix);
  let resized = 0;
  files.forEach((f, i) => {
    const img: GrayImage = decodeGrayImage(readFileSync(f), f);
    if (img.rows === rows && img.cols === cols) {
      images.set(img.pixels, i * pix);
      return;
    }
    resized++;
    resizeImage(img.pixels, 0, img.rows, img.cols, resizedBuf, rows, cols);
    for (let q = 0; q < pix; q++) images[i * pix + q] = Math.round(resizedBuf[q]);
  });
  const all: ImageSet = { n: files.length, rows, cols, images, labels: Int32Array.from(fileLabels) };
  const split = holdOutSplit(all.labels, classNames);
  return { dir, classNames, classCounts, rows, cols, resized, train: takeExamples(all, split.train), test: takeExamples(all, split.test) };
}

/** A one-line description for `vsml datasets` and eval output. */
export function describeImageFolder(f: ImageFolder): string {
  const shown = f.classNames.length <= 6 ? f.classNames.join(', ') : `${f.classNames.slice(0, 5).join(', ')}, ... ${f.classNames[f.classNames.length - 1]}`;
  const n = f.train.n + f.test.n;
  return `${n} images in ${f.dir} (${f.classNames.length} classes: ${shown}; ${f.cols}x${f.rows} grayscale${f.resized ? `, ${f.resized} resized to it` : ''}; ${f.train.n} train / ${f.test.n} test)`;
}

