import { existsSync, readFileSync, statSync } from 'node:fs';
import { EngineError } from '../errors';
import { AnyImageSet } from './idx';
import { CsvRow, CsvSyntaxError, csvRows } from './csv-table';
import { holdOutSplit, takeExamples } from './holdout-split';

/**
 * `csv:<file>[#label=<column>&shape=<flat|RxC>]`: one example per row, a label column plus pixel
 * or feature columns.
 *
 * - Header: the first row is a header when it has a non-numeric cell above a numeric one, or two
 *   or more non-numeric cells (a data row has at most one: its label).
 * - Label column: `#label=` (a header name, or a 0-based column index); else, with a header, the
 *   column named `label`, `class` or `y` (any case); else the first column.
 * - Labels: when every label is a non-negative integer they are the class indices (classes =
 *   largest + 1); otherwise they are names, mapped to their index in sorted order.
 * - Values: when every feature is an integer in 0..255 they are pixels (divided by 255, as image
 *   datasets' are); otherwise they are used as they are. Values outside [0, 1] are not pixels:
 *   such a file is standardized with its own mean/std even where idx_stats says 'training'.
 * - Shape: F feature columns are a square image [s, s] when F = s² (so data.preprocess.resize and
 *   pad apply, as to images), else a flat vector [1, F] that is neither resized nor padded;
 *   `#shape=flat` or `#shape=<rows>x<cols>` overrides.
 * - Split: 20% of each class held out as `test` (holdout-split.ts), the rest `train`.
 * - Limit: files up to MAX_CSV_BYTES (128 MiB; Kaggle's 60,000-row MNIST train.csv is 73 MiB).
 */

export const MAX_CSV_BYTES = 128 * 2 ** 20;

const LABEL_NAMES = ['label', 'class', 'y'];
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export interface CsvSpec {
  readonly file: string;
  /** `#label=`: a header name or a 0-based index. */
  readonly label?: string;
  /** `#shape=`: 'flat' or [rows, cols]. */
  readonly shape?: 'flat' | readonly [number, number];
}

export interface CsvDataset {
  readonly file: string;
  readonly hasHeader: boolean;
  /** Header name of the label column, or `column <k>`. */
  readonly labelColumn: string;
  readonly classNames: readonly string[];
  readonly rows: number;
  readonly cols: number;
  /** Not an image: neither resized nor padded. */
  readonly flat: boolean;
  /** Values are pixels (bytes, or floats within [0, 1]). */
  readonly pixelLike: boolean;
  readonly train: AnyImageSet;
  readonly test: AnyImageSet;
}

const OPTION_FIX = 'write options after the file as #label=<column>&shape=flat (or shape=28x28)';

/** Splits `path#label=x&shape=flat` (the part after the last '#', when it holds key=value pairs). */
export function parseCsvSpec(spec: string): CsvSpec {
  const hash = spec.lastIndexOf('#');
  if (hash < 0 || !spec.slice(hash + 1).includes('=')) return { file: spec };
  const file = spec.slice(0, hash);
  let label: string | undefined;
  let shape: CsvSpec['shape'];
  for (const part of spec.slice(hash + 1).split('&')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || !value) throw new EngineError('data', `csv option ${JSON.stringify(part)} in ${JSON.stringify(spec)} has no value`, OPTION_FIX);
    if (key === 'label') label = value;
    else if (key === 'shape') {
      const m = /^(\d+)x(\d+)$/.exec(value);
      if (value === 'flat') shape = 'flat';
      else if (m && +m[1] > 0 && +m[2] > 0) shape = [+m[1], +m[2]];
      else throw new EngineError('data', `csv option shape=${value} in ${JSON.stringify(spec)} is not "flat" or <rows>x<cols>`, 'e.g. #shape=28x28 or #shape=flat');
    } else throw new EngineError('data', `unknown csv option ${JSON.stringify(key)} in ${JSON.stringify(spec)}`, `the options are label and shape: ${OPTION_FIX}`);
  }
  return { file, ...(label !== undefined ? { label } : {}), ...(shape !== undefined ? { shape } : {}) };
}

/** The cell's number, or NaN. Plain digit strings (pixel files) skip the regular expression. */
export function cellNumber(cell: string): number {
  const len = cell.length;
  if (len > 0 && len < 16) {
    let v = 0;
    let i = 0;
    for (; i < len; i++) {
      const d = cell.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === len) return v;
  }
  return NUMBER.test(cell) ? Number(cell) : NaN;
}

const isNumber = (cell: string): boolean => !Number.isNaN(cellNumber(cell));

/** The header rule of the file comment. */
export function looksLikeHeader(first: readonly string[], second: readonly string[] | undefined): boolean {
  let nonNumeric = 0;
  for (let j = 0; j < first.length; j++) {
    if (isNumber(first[j])) continue;
    nonNumeric++;
    if (second && j < second.length && isNumber(second[j])) return true;
  }
  return nonNumeric >= 2;
}

/** Reads and checks a CSV dataset. Errors name the file, the line and the column, and the fix. */
export function loadCsvDataset(spec: CsvSpec, maxBytes = MAX_CSV_BYTES): CsvDataset {
  const { file } = spec;
  const fail = (message: string, fix: string): never => {
    throw new EngineError('', message, fix, file);
  };
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new EngineError('data', `CSV file ${file} does not exist`, 'give a CSV file with a label column and one column per pixel or feature, e.g. csv:data/digits.csv');
  }
  const size = statSync(file).size;
  if (size > maxBytes) {
    const mib = (b: number): string => `${+(b / 2 ** 20).toPrecision(3)} MiB`;
    fail(`is ${mib(size)}, more than the ${mib(maxBytes)} limit for csv: datasets (reading takes about 5x the file size in memory)`, 'use a sample of the rows, or convert the data to IDX files and use idx:<folder>');
  }
  const text = readFileSync(file, 'utf8');
  const rowsOf = csvRows(text);
  const next = (): CsvRow | undefined => {
    try {
      const r = rowsOf.next();
      return r.done ? undefined : r.value;
    } catch (e) {
      if (e instanceof CsvSyntaxError) return fail(`line ${e.line}: ${e.message}`, 'fix the quoting on that line');
      throw e;
    }
  };
  const first = next();
  if (!first) return fail('is empty', 'write one example per row: a label and its pixel or feature values, comma-separated');
  const second = next();
  const hasHeader = looksLikeHeader(first.cells, second?.cells);
  const width = first.cells.length;
  const header = hasHeader ? first.cells.map((c) => c.trim()) : null;
  const labelCol = pickLabelColumn(header, width, spec.label, fail);
  const colName = (j: number): string => (header ? `column ${JSON.stringify(header[j])}` : `column ${j}`);
  if (width < 2) fail(`has only the label ${colName(labelCol)}, no pixel or feature columns`, 'add one column per pixel or feature');

  // Rows one at a time: features into a growing [n, F] buffer, labels as text.
  const F = width - 1;
  let values = new Float32Array(F * 1024); // [capacity, F]
  const raw: string[] = [];
  let bytes = true;
  const add = (r: CsvRow): void => {
    if (r.cells.length !== width) {
      fail(`line ${r.line} has ${r.cells.length} cell${r.cells.length === 1 ? '' : 's'}, but line ${first.line} has ${width}`, 'give every row the same columns (check for a missing or extra comma)');
    }
    const label = r.cells[labelCol].trim();
    if (label === '') fail(`line ${r.line}, ${colName(labelCol)}: the label is empty`, 'give every row a label');
    const i = raw.length;
    if ((i + 1) * F > values.length) {
      const grown = new Float32Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    let k = 0;
    for (let j = 0; j < width; j++) {
      if (j === labelCol) continue;
      const cell = r.cells[j];
      const v = cellNumber(cell);
      if (Number.isNaN(v)) {
        fail(`line ${r.line}, ${colName(j)}: ${cell.trim() === '' ? 'empty cell' : `${JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}...` : cell)} is not a number`}`,
          'every cell but the label must be a number (use . as the decimal point)');
      }
      if (bytes && !(Number.isInteger(v) && v >= 0 && v <= 255)) bytes = false;
      values[i * F + k++] = v;
    }
    raw.push(label);
  };
  if (!hasHeader) add(first);
  if (second) add(second);
  for (let r = next(); r; r = next()) add(r);
  const n = raw.length;
  if (n === 0) fail('has a header but no data rows', 'add one row per example below the header');

  // Labels: integers are class indices, anything else names sorted into indices.
  let classNames: string[];
  let labels: Int32Array;
  if (raw.every((y) => /^\d+$/.test(y) && Number(y) <= 1e6)) {
    labels = Int32Array.from(raw, Number);
    const classes = labels.reduce((m, y) => Math.max(m, y), 0) + 1;
    classNames = Array.from({ length: classes }, (_, c) => String(c));
  } else {
    classNames = [...new Set(raw)].sort();
    const index = new Map(classNames.map((c, i) => [c, i]));
    labels = Int32Array.from(raw, (y) => index.get(y)!);
  }

  const [rows, cols, flat] = shapeOf(F, spec.shape, fail);
  const used = values.subarray(0, n * F);
  let images: Uint8Array | Float32Array;
  let pixelLike = true;
  if (bytes) images = Uint8Array.from(used);
  else {
    images = used;
    for (let q = 0; q < used.length && pixelLike; q++) if (used[q] < 0 || used[q] > 1) pixelLike = false;
  }
  const all: AnyImageSet = { n, rows, cols, images, labels };
  const split = holdOutSplit(labels, classNames);
  return {
    file, hasHeader, labelColumn: header ? header[labelCol] : `column ${labelCol}`, classNames, rows, cols, flat, pixelLike,
    train: takeExamples(all, split.train), test: takeExamples(all, split.test),
  };
}

function pickLabelColumn(header: string[] | null, width: number, option: string | undefined, fail: (m: string, f: string) => never): number {
  if (option !== undefined) {
    const byName = header ? header.findIndex((h) => h.toLowerCase() === option.toLowerCase()) : -1;
    if (byName >= 0) return byName;
    if (/^\d+$/.test(option) && Number(option) < width) return Number(option);
    return fail(`has no column ${JSON.stringify(option)} for #label=${option}${header ? ` (columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', ...' : ''})` : ` (no header; columns 0..${width - 1})`}`,
      header ? 'name a header column, or give a 0-based column index' : `give a 0-based column index below ${width}`);
  }
  if (header) {
    for (const name of LABEL_NAMES) {
      const j = header.findIndex((h) => h.toLowerCase() === name);
      if (j >= 0) return j;
    }
  }
  return 0;
}

function shapeOf(F: number, shape: CsvSpec['shape'], fail: (m: string, f: string) => never): [number, number, boolean] {
  if (shape === 'flat') return [1, F, true];
  if (shape) {
    if (shape[0] * shape[1] !== F) fail(`#shape=${shape[0]}x${shape[1]} needs ${shape[0] * shape[1]} feature columns, the file has ${F}`, `use a shape with ${F} values, or #shape=flat`);
    return [shape[0], shape[1], false];
  }
  const s = Math.round(Math.sqrt(F));
  return s * s === F && F > 1 ? [s, s, false] : [1, F, true];
}

/** A one-line description for `vsml datasets` and eval output. */
export function describeCsvDataset(d: CsvDataset): string {
  const shown = d.classNames.length <= 6 ? d.classNames.join(', ') : `${d.classNames.slice(0, 5).join(', ')}, ... ${d.classNames[d.classNames.length - 1]}`;
  const shape = d.flat ? `${d.cols} features` : `${d.rows}x${d.cols} ${d.pixelLike ? 'pixels' : 'values'}`;
  return `CSV file ${d.file} (${d.train.n + d.test.n} rows, label ${d.labelColumn}, ${d.classNames.length} classes: ${shown}; ${shape}; ${d.train.n} train / ${d.test.n} test)`;
}
