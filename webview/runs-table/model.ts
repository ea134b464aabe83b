/**
 * The runs table's data side, without DOM: the columns, each cell's text, sorting (numbers as
 * numbers, empty cells last in either direction) and filtering (text over every cell, state,
 * tag). Pure, so the webview tests and unit tests check the same functions the panel runs.
 */
import type { ListedState, RunRow } from '../../src/protocol/runs-table';

export const FIXED_COLUMNS = ['run', 'state', 'step', 'best', 'started', 'config', 'notes', 'tags'] as const;
export type FixedColumn = (typeof FIXED_COLUMNS)[number];
/** A fixed column, or `param:<dotted config path>`. */
export type ColumnKey = FixedColumn | `param:${string}`;

export const COLUMN_TITLES: Readonly<Record<FixedColumn, string>> = {
  run: 'run', state: 'state', step: 'step / total', best: 'best', started: 'started', config: 'config', notes: 'notes', tags: 'tags',
};

export type SortDir = 'asc' | 'desc';

export interface TableView {
  sort: { key: ColumnKey; dir: SortDir };
  /** Words that must all appear (case-insensitive) in some cell of a row. */
  filter: string;
  state: ListedState | 'all';
  /** '' = any tag. */
  tag: string;
  selected: string[];
}

export const DEFAULT_VIEW: TableView = { sort: { key: 'started', dir: 'desc' }, filter: '', state: 'all', tag: '', selected: [] };

export const paramColumn = (path: string): ColumnKey => `param:${path}`;

export function columnsOf(paramKeys: readonly string[]): ColumnKey[] {
  return [...FIXED_COLUMNS, ...paramKeys.map(paramColumn)];
}

export function columnTitle(key: ColumnKey): string {
  return key.startsWith('param:') ? key.slice('param:'.length) : COLUMN_TITLES[key as FixedColumn];
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** `eval/mnist/learned/meanAccuracy` → `mnist`: which dataset the best figure is on. */
export function bestDataset(metric: string): string {
  const parts = metric.split('/');
  return parts[0] === 'eval' && parts.length >= 4 ? parts[1] : metric;
}

function paramText(v: unknown): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What a cell shows (also what the text filter searches). */
export function cellText(row: RunRow, key: ColumnKey): string {
  switch (key) {
    case 'run': return row.runId;
    case 'state': return row.state;
    case 'step': return row.step !== undefined ? `${row.step} / ${row.totalSteps ?? '?'}` : '';
    case 'best': return row.best ? `${pct(row.best.value)} ${bestDataset(row.best.metric)} @${row.best.step}` : '';
    case 'started': return row.startedAt ? row.startedAt.replace('T', ' ').slice(0, 19) : '';
    case 'config': return row.config ?? '';
    case 'notes': return row.notes;
    case 'tags': return row.tags.join(', ');
    default: return paramText(row.params[key.slice('param:'.length)]);
  }
}

/** The value a column sorts by: numbers for best, step and numeric parameters; undefined sorts last. */
export function sortValue(row: RunRow, key: ColumnKey): number | string | undefined {
  switch (key) {
    case 'best': return row.best?.value;
    case 'step': return row.step;
    case 'started': return row.startedAt || undefined;
    default: {
      if (key.startsWith('param:')) {
        const v = row.params[key.slice('param:'.length)];
        if (typeof v === 'number') return v;
        return v === undefined ? undefined : paramText(v);
      }
      const text = cellText(row, key);
      return text === '' ? undefined : text;
    }
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Mixed kinds (a parameter that is a number in one run, text in another): numbers first.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a, b);
}

/** Rows sorted by `key`; empty cells last whichever the direction; ties keep the listing's order (newest first). */
export function sortRows(rows: readonly RunRow[], key: ColumnKey, dir: SortDir): RunRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: sortValue(row, key) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1;
      return sign * compareValues(a.v, b.v) || a.i - b.i;
    })
    .map((x) => x.row);
}

export function matchesFilter(row: RunRow, columns: readonly ColumnKey[], view: Pick<TableView, 'filter' | 'state' | 'tag'>): boolean {
  if (view.state !== 'all' && row.state !== view.state) return false;
  if (view.tag !== '' && !row.tags.includes(view.tag)) return false;
  const words = view.filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = columns.map((c) => cellText(row, c)).join('\n').toLowerCase();
  return words.every((w) => text.includes(w));
}

/** The rows the table shows: filtered, then sorted. */
export function visibleRows(rows: readonly RunRow[], paramKeys: readonly string[], view: TableView): RunRow[] {
  const columns = columnsOf(paramKeys);
  return sortRows(rows.filter((r) => matchesFilter(r, columns, view)), view.sort.key, view.sort.dir);
}

/** Every tag any run carries, sorted. */
export function allTags(rows: readonly RunRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.tags))].sort(collator.compare);
}

/** Which actions a run in this state allows (the host checks again before acting). */
export function allowedActions(state: ListedState): ReadonlySet<string> {
  switch (state) {
    case 'running': return new Set(['open', 'evaluate', 'stop']);
    case 'stopped':
    case 'failed': return new Set(['open', 'resume', 'evaluate', 'delete']);
    case 'finished': return new Set(['open', 'evaluate', 'delete']);
    case 'unknown': return new Set(['delete']);
  }
}

/** A saved view checked field by field (state from an older version of the panel may lack or mistype any). */
export function restoreView(saved: unknown): TableView {
  const s = (saved ?? {}) as Partial<TableView>;
  const key = s.sort?.key;
  const okKey = typeof key === 'string' && ((FIXED_COLUMNS as readonly string[]).includes(key) || key.startsWith('param:'));
  return {
    sort: { key: okKey ? (key as ColumnKey) : DEFAULT_VIEW.sort.key, dir: s.sort?.dir === 'asc' ? 'asc' : okKey ? 'desc' : DEFAULT_VIEW.sort.dir },
    filter: typeof s.filter === 'string' ? s.filter.slice(0, 500) : '',
    state: typeof s.state === 'string' && ['all', 'running', 'finished', 'failed', 'stopped', 'unknown'].includes(s.state) ? s.state : 'all',
    tag: typeof s.tag === 'string' ? s.tag : '',
    selected: Array.isArray(s.selected) ? s.selected.filter((x): x is string => typeof x === 'string').slice(0, 1000) : [],
  };
}
