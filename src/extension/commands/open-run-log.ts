/**
 * "VS-ML: Open Run Log" (vsml.openRunLog): the run's trainer.log in an editor. The run comes from
 * the explorer's context menu (a run node), the metrics panel (a run id), or a quick pick of the
 * workspace's runs; the explorer reads the run folders from disk, so this works after a reload.
 */
import * as vscode from 'vscode';
import { findRunLog } from '../../engine/runs/run-log';
import { showInfo } from '../notify';
import type { ExperimentsTree } from '../tree/experiments-tree';
import type { RunNode } from '../tree/tree-model';
import { pickRun } from './pick';

/** A run id (from a panel) names a run the explorer knows; anything else goes to pickRun. */
function argFor(arg: unknown, runs: readonly RunNode[]): unknown {
  if (typeof arg !== 'string') return arg;
  return runs.find((r) => r.runId === arg) ?? { kind: 'run', runId: arg, dir: '' };
}

export async function openRunLog(arg: unknown, tree: ExperimentsTree): Promise<void> {
  const runs = tree.allRuns();
  const run = await pickRun(argFor(arg, runs), runs, () => true, 'Open the log of which run?');
  if (!run) return;
  const found = await findRunLog(run.dir, run.runId);
  if ('problem' in found) {
    void showInfo(`VS-ML: ${found.problem}.`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(found.file));
  await vscode.window.showTextDocument(doc, { preview: true });
}
