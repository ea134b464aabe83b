/**
 * One open `vsml compare` output folder: its table as the metrics panel shows it (read by the
 * engine's readCompareFolder, so a missing or malformed table.csv becomes a problem naming the
 * file, line and field), and a file watcher that reports a new table while `vsml compare` is still
 * writing the folder (it rewrites table.csv after every finished cell).
 */
import * as vscode from 'vscode';
import type { CompareTableView } from '../../protocol/compare-table';
import { Disposable } from '../dispose';
import { compareTableView } from './compare-table-view';

/** table.csv is written by an atomic rename: create, change and delete events come in a burst. */
const SETTLE_MS = 250;

export class CompareFollower extends Disposable {
  private timer: NodeJS.Timeout | undefined;

  /** `changed` gets the table anew after table.csv was written, created or deleted. */
  constructor(readonly folder: string, changed: (view: CompareTableView) => void) {
    super();
    const watcher = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), 'table.csv')));
    const soon = (): void => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.isDisposed) changed(this.view());
      }, SETTLE_MS);
    };
    this.track(watcher.onDidChange(soon));
    this.track(watcher.onDidCreate(soon));
    this.track(watcher.onDidDelete(soon));
  }

  view(): CompareTableView {
    return compareTableView(this.folder);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}
