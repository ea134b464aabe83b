/**
 * `vsml.evaluate`'s work: runs `vsml eval <run> --dataset D --json` as a child job (ChildJobs:
 * status, timeout, stopped on deactivate or when the notification is cancelled), reads its output
 * with the protocol parser (src/protocol/eval-output.ts) and shows the mean online accuracies.
 */
import * as vscode from 'vscode';
import { parseEvalOutput } from '../../protocol/eval-output';
import { showInfo } from '../notify';
import { type Log, showErrorWithOutput } from '../output';
import { plainText } from '../plain-text';
import { type VsmlSettings, trainerEnv } from '../settings';
import type { ChildJobs } from '../trainer/child-jobs';
import type { RunNode } from '../tree/tree-model';

export interface EvaluateDeps {
  readonly jobs: ChildJobs;
  readonly log: Log;
  readonly settings: () => VsmlSettings;
  /** Absolute path of the bundled CLI (dist/cli.js). */
  readonly cliPath: string;
}

export async function evaluateRun(deps: EvaluateDeps, run: RunNode, dataset: string): Promise<void> {
  const { log } = deps;
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.dir))?.uri.fsPath ?? run.dir;
  const { exit, stdout } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: plainText(`VS-ML: evaluating ${run.runId} on ${dataset}`), cancellable: true },
    async (_progress, token) => {
      const { job, result } = deps.jobs.start({
        component: 'eval',
        modulePath: deps.cliPath,
        // --record: the result joins the run's eval.jsonl (source "editor"), where the metrics panel shows it.
        args: ['eval', run.dir, '--dataset', dataset, '--json', '--record', '--record-source', 'editor'],
        cwd: root,
        env: trainerEnv(process.env, deps.settings(), root),
      });
      const cancel = token.onCancellationRequested(() => void job.stop());
      try {
        return await result;
      } finally {
        cancel.dispose();
      }
    },
  );
  if (exit.done === 'stopped') {
    log.info('eval', `evaluation of ${run.runId} on ${dataset} stopped`);
    return;
  }
  if (exit.status !== 'exited') {
    await showErrorWithOutput(log, `VS-ML: evaluation of ${run.runId} on ${dataset} failed: ${exit.reason ?? `exit code ${exit.code}`}.`);
    return;
  }
  log.info('eval', stdout.trim());
  const parsed = parseEvalOutput(stdout);
  if (!parsed.ok) {
    log.warn('eval', `could not read the result of vsml eval: ${parsed.error}`);
    await showErrorWithOutput(log, `VS-ML: evaluation of ${run.runId} printed no result the extension can read.`);
    return;
  }
  const summary = parsed.message.map((row) => `${row.dataset}: ${Object.entries(row.methods)
    .map(([method, r]) => `${method} ${(100 * r.meanAccuracy).toFixed(1)}%`).join(', ')}`).join('; ');
  const choice = await showInfo(`VS-ML ${run.runId}, mean online accuracy — ${summary}`, 'Open Output');
  if (choice) log.show();
}
