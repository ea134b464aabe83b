import type * as vscode from 'vscode';
import type { TrainerMessage } from '../../protocol/trainer';
import type { Log } from '../output';

/** What the panels need from the rest of the extension (activation passes it to registerPanels). */
export interface PanelDeps {
  readonly log: Log;
  /** Absolute runs folders of the workspace (`.vsml/runs` of each folder, or the setting). */
  runsDirs(): readonly string[];
  /** Every parsed trainer message (RunManager.onDidMessage); panels follow live runs through it. */
  readonly onTrainerMessage: vscode.Event<{ readonly message: TrainerMessage }>;
  /** Fires when run folders may have changed (the explorer's file watcher and trainer events); the runs table follows it. */
  readonly onRunsChanged: vscode.Event<unknown>;
  /** Run ids this window trains right now (never shown as vanished). */
  ownedRunIds?(): ReadonlySet<string>;
}
