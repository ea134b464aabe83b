import { statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { readRegularFile } from '../runs/atomic-file';
import { parseTableCsv, TableRow } from './compare-table';

/** table.csv of a comparison is a few hundred lines; anything far larger is not one. */
export const MAX_TABLE_CSV_BYTES = 4 * 1024 * 1024;

/** What a compare output folder holds right now: its table's rows, or why there are none (file, line, field, fix). */
export type CompareFolderContent =
  | { readonly ok: true; readonly file: string; readonly rows: TableRow[]; /** table.csv's mtime (ms since epoch). */ readonly modifiedMs: number }
  | { readonly ok: false; readonly file: string; readonly problem: string };

/**
 * Reads `<dir>/table.csv` as `vsml compare --out <dir>` writes it (after every finished cell, so a
 * running comparison can be followed). Never throws for bad input: a missing folder or file, an
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
    return { ok: true, file, rows, modifiedMs: statSync(file).mtimeMs };
  } catch (e) {
    return { ok: false, file, problem: e instanceof Error ? e.message : String(e) };
  }
}
