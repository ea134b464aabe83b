import { statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { readRegularFile } from '../runs/atomic-file';
import { parseTableCsv, TableRow } from './compare-table';
import { readClassesFile } from './dataset-classes';

/** table.csv of a comparison is a few hundred lines; anything far larger is not one. */
export const MAX_TABLE_CSV_BYTES = 4 * 1024 * 1024;

/** What a compare output folder holds right now: its table's rows, or why there are none (file, line, field, fix). */
export type CompareFolderContent =
  | {
    readonly ok: true; readonly file: string; readonly rows: TableRow[]; /** table.csv's mtime (ms since epoch). */ readonly modifiedMs: number;
    /** Chance level per dataset (1 / classes, from classes.json); absent in folders written before it existed. */
    readonly chance?: Record<string, number>;
    /** classes.json could not be read: the table is shown without chance levels, and this says why. */
    readonly warning?: string;
  }
  | { readonly ok: false; readonly file: string; readonly problem: string };

/**
 * Reads `<dir>/table.csv` as `vsml compare --out <dir>` writes it (after every finished cell, so a
 * running comparison can be followed), and the chance levels of its datasets from classes.json. Never throws for bad input: a missing folder or file, an
 * unreadable or malformed table comes back as a problem naming the file (and line and field).
 */
export function readCompareFolder(dir: string): CompareFolderContent {
  const file = join(dir, 'table.csv');
  try {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw new EngineError('', 'is not a folder', 'pick the folder vsml compare <suite.json> --out <dir> writes', dir);
    const buf = readRegularFile(file, MAX_TABLE_CSV_BYTES);
    if (!buf) throw new EngineError('', 'does not exist (yet)', `run vsml compare <suite.json> --out ${dir}: it writes table.csv after each finished cell, and the table shows here then`, file);
    const rows = parseTableCsv(buf.toString('utf8'), file);
    const modifiedMs = statSync(file).mtimeMs;
    try {
      const classes = readClassesFile(dir);
      return { ok: true, file, rows, modifiedMs, ...(classes ? { chance: Object.fromEntries(Object.entries(classes).map(([d, n]) => [d, 1 / n])) } : {}) };
    } catch (e) {
      return { ok: true, file, rows, modifiedMs, warning: e instanceof Error ? e.message : String(e) };
    }
  } catch (e) {
    return { ok: false, file, problem: e instanceof Error ? e.message : String(e) };
  }
}
