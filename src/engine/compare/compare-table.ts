import { EngineError } from '../errors';
import { COMPARE_METHODS, type CompareMethod } from './suite';

/** What a finished cell wrote: mean online accuracy per meta-test dataset, per method. */
export interface CellResult {
  readonly id: string;
  readonly metaTrain: string;
  readonly seed: number;
  /** accuracy[method][dataset] */
  readonly accuracy: Partial<Record<CompareMethod, Record<string, number>>>;
  readonly seconds: number;
  /** The run folder of a meta-learned cell. */
  readonly runDir?: string;
}

/** One line of table.csv: a method and meta-training set on one dataset, over seeds. */
export interface TableRow {
  method: CompareMethod;
  metaTrain: string;
  dataset: string;
  meanAccuracy: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  std: number;
  seeds: number;
}

/** Groups the cells' results by (method, meta-training set, dataset), in the order of `methods` and `datasets`. */
export function tableRows(cells: readonly CellResult[], methods: readonly CompareMethod[], metaTrain: readonly string[], datasets: readonly string[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const method of methods) {
    const sets = method === 'sgd' || method === 'adam' ? ['-'] : metaTrain;
    for (const set of sets)
      for (const dataset of datasets) {
        const xs = cells.filter((c) => c.metaTrain === set).map((c) => c.accuracy[method]?.[dataset]).filter((x): x is number => x !== undefined);
        if (xs.length === 0) continue;
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
        rows.push({ method, metaTrain: set, dataset, meanAccuracy: mean, std, seeds: xs.length });
      }
  }
  return rows;
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const TABLE_CSV_HEADER = 'method,metaTrain,dataset,meanAccuracy,std,seeds';

export function formatTableCsv(rows: readonly TableRow[]): string {
  const lines = rows.map((r) => [r.method, csvField(r.metaTrain), csvField(r.dataset), r.meanAccuracy.toFixed(4), r.std.toFixed(4), String(r.seeds)].join(','));
  return `${[TABLE_CSV_HEADER, ...lines].join('\n')}\n`;
}

/** A CSV record and the line it starts on (1-based), as formatTableCsv quotes it: `"…"` with `""` for a quote, newlines allowed inside quotes. */
function csvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let empty = true;
  const end = (): void => {
    fields.push(field);
    // A blank line (a trailing newline, an empty line between) is no record.
    if (!(empty && fields.length === 1 && field === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
    empty = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
      continue;
    }
    if (c === '"' && field === '') { quoted = true; empty = false; }
    else if (c === ',') { fields.push(field); field = ''; empty = false; }
    else if (c === '\n') { end(); line++; start = line; }
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else { field += c; empty = false; }
  }
  if (quoted) throw new EngineError(`line ${start}`, 'has a quoted field that never closes', 'close the field with a double quote (") or write table.csv again with vsml compare');
  end();
  return records;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const COLUMNS = TABLE_CSV_HEADER.split(',');

/**
 * Reads what formatTableCsv wrote (table.csv of `vsml compare`). Throws an EngineError naming the
 * file, the line and the field of the first problem: a wrong header, a row without six fields, an
 * unknown method, an accuracy that is not a number in [0, 1], a negative std, seeds that are not a
 * whole number >= 1, or a (method, metaTrain, dataset) given twice.
 */
export function parseTableCsv(text: string, file: string): TableRow[] {
  const fail = (line: number, field: string, message: string, fix: string): never => {
    throw new EngineError(`line ${line}${field ? `, ${field}` : ''}`, message, fix, file);
  };
  let records: { line: number; fields: string[] }[];
  try {
    records = csvRecords(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw e instanceof EngineError ? e.inFile(file) : e;
  }
  const header = records[0];
  if (!header) fail(1, '', 'is empty: no header', `the first line must be ${TABLE_CSV_HEADER}`);
  if (header.fields.join(',') !== TABLE_CSV_HEADER) {
    fail(header.line, 'header', `must be ${TABLE_CSV_HEADER}, got ${JSON.stringify(header.fields.join(',').slice(0, 120))}`, 'is this the table.csv of vsml compare? Write it again with vsml compare <suite.json> --out <dir>');
  }
  const rows: TableRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== COLUMNS.length) fail(line, '', `has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${COLUMNS.length} (${TABLE_CSV_HEADER})`, 'quote a name holding a comma ("a,b") or remove the line');
    const [method, metaTrain, dataset, mean, std, seeds] = fields;
    if (!(COMPARE_METHODS as readonly string[]).includes(method)) fail(line, 'method', `must be one of ${COMPARE_METHODS.join(', ')}, got ${JSON.stringify(method)}`, 'use a method vsml compare runs');
    if (metaTrain === '') fail(line, 'metaTrain', 'is empty', 'name the meta-training set (- for SGD and Adam)');
    if (dataset === '') fail(line, 'dataset', 'is empty', 'name the meta-test dataset');
    const number = (value: string, field: string, ok: (x: number) => boolean, expected: string): number => {
      const x = NUMBER.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isFinite(x) || !ok(x)) fail(line, field, `must be ${expected}, got ${JSON.stringify(value)}`, `write ${expected} (e.g. ${field === 'seeds' ? '3' : '0.4123'})`);
      return x;
    };
    const row: TableRow = {
      method: method as CompareMethod,
      metaTrain,
      dataset,
      meanAccuracy: number(mean, 'meanAccuracy', (x) => x >= 0 && x <= 1, 'a number in [0, 1]'),
      std: number(std, 'std', (x) => x >= 0, 'a number >= 0'),
      seeds: number(seeds, 'seeds', (x) => Number.isInteger(x) && x >= 1, 'a whole number >= 1'),
    };
    const key = `${method}\t${metaTrain}\t${dataset}`;
    const before = seen.get(key);
    if (before !== undefined) fail(line, 'dataset', `repeats ${method}, ${metaTrain}, ${dataset} of line ${before}`, 'keep one line per method, meta-training set and dataset');
    seen.set(key, line);
    rows.push(row);
  }
  return rows;
}

/** Rows = method and meta-training set, columns = meta-test datasets, cells "mean ± std" in percent. */
export function formatTableMarkdown(rows: readonly TableRow[], datasets: readonly string[]): string {
  const keys: string[] = [];
  for (const r of rows) if (!keys.includes(`${r.method}\t${r.metaTrain}`)) keys.push(`${r.method}\t${r.metaTrain}`);
  const cell = (key: string, d: string): string => {
    const r = rows.find((x) => `${x.method}\t${x.metaTrain}` === key && x.dataset === d);
    if (!r) return '—';
    return r.seeds > 1 ? `${(100 * r.meanAccuracy).toFixed(1)} ± ${(100 * r.std).toFixed(1)}` : `${(100 * r.meanAccuracy).toFixed(1)}`;
  };
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const seeds = rows.length ? Math.max(...rows.map((r) => r.seeds)) : 0;
  const lines = [
    `| method | meta-trained on | ${datasets.map(esc).join(' | ')} |`,
    `|---|---|${datasets.map(() => '---:').join('|')}|`,
    ...keys.map((k) => {
      const [method, set] = k.split('\t');
      return `| ${method} | ${esc(set)} | ${datasets.map((d) => cell(k, d)).join(' | ')} |`;
    }),
  ];
  return `${lines.join('\n')}\n\nMean online accuracy (%) over ${seeds} seed${seeds === 1 ? '' : 's'}, ± the standard deviation over seeds.\n`;
}
