/** What the metrics panel shows of a compare folder, read through the engine (no vscode import: the webview tests use it too). */
import { readCompareFolder } from '../../engine/compare/read-compare-folder';
import type { CompareTableView } from '../../protocol/compare-table';

export function compareTableView(folder: string): CompareTableView {
  const read = readCompareFolder(folder);
  return read.ok
    ? {
      folder, rows: read.rows, updatedAt: new Date(read.modifiedMs).toISOString(),
      ...(read.chance ? { chance: read.chance } : {}), ...(read.warning ? { warning: read.warning } : {}),
    }
    : { folder, rows: [], problem: read.problem };
}
