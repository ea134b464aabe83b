import type { CompareMethod } from './suite';

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
