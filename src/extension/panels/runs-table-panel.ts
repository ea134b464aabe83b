/**
 * The runs table's host side: one panel (createOrShow/revive) fed by the same listing as
 * `vsml runs --json` (src/engine/runs/runs-listing.ts), re-sent whole (`runs/changed`) when run
 * folders change: the explorer's file watcher and trainer events (through `onRunsChanged`), plus
 * annotations.json, which the explorer does not watch. Row actions go through the extension's own
 * commands (the same checks and confirmations as the explorer's menus); notes and tags are written
 * here, validated, atomically.
 */
import * as vscode from 'vscode';
import { type RunListing, listRunsIn, paramKeysOf } from '../../engine/runs/runs-listing';
import { writeRunAnnotations } from '../../engine/runs/annotations';
import {
  type HostToRunsTableMessage, type RunAction, type RunRow, type RunsTableData, type RunsTableToHostMessage, parseRunsTableToHostMessage,
} from '../../protocol/runs-table';
import type { PanelDeps } from './deps';
import { MetricsPanel } from './metrics-panel';
import { type OwnMessage, PanelHost } from './panel-host';
import { webviewOptions } from './webview-setup';

/** The command each row action runs, with the run as the explorer passes it. */
const ACTION_COMMANDS: Readonly<Record<Exclude<RunAction, 'open'>, string>> = {
  resume: 'vsml.resume',
  evaluate: 'vsml.evaluate',
  delete: 'vsml.deleteRun',
  stop: 'vsml.stop',
};

/** A listing row as the panel gets it: the folder path stays on the host. */
function toRow(r: RunListing): RunRow {
  // The folder stays with the host; provenance is shown by the metrics panel, not the table.
  const { dir, provenance, ...row } = r;
  void dir;
  void provenance;
  return row;
}

export class RunsTablePanel extends PanelHost<HostToRunsTableMessage, RunsTableToHostMessage> {
  static readonly viewType = 'vsml.runsTable';
  private static current: RunsTablePanel | undefined;

  /** runId → run folder, from the last listing sent (the panel names runs by id only). */
  private dirs = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  static createOrShow(context: vscode.ExtensionContext, deps: PanelDeps): RunsTablePanel {
    const existing = RunsTablePanel.current;
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RunsTablePanel.viewType, 'VS-ML Runs', vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return (RunsTablePanel.current = new RunsTablePanel(panel, context, deps));
  }

  /** The serializer's path: the webview restores its own view (sort, filters, selection) from getState. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps): RunsTablePanel {
    RunsTablePanel.current?.dispose();
    return (RunsTablePanel.current = new RunsTablePanel(panel, context, deps));
  }

  private constructor(panel: vscode.WebviewPanel, private readonly context: vscode.ExtensionContext, deps: PanelDeps) {
    super(panel, context, deps, { app: 'runs-table', title: 'VS-ML Runs', component: 'runs table', parse: parseRunsTableToHostMessage });
    this.track(deps.onRunsChanged(() => this.refreshSoon()));
    for (const dir of deps.runsDirs()) {
      const watcher = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*/annotations.json')));
      for (const on of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) this.track(on(() => this.refreshSoon()));
    }
  }

  override dispose(): void {
    if (RunsTablePanel.current === this) RunsTablePanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }

  protected async buildSnapshot(): Promise<HostToRunsTableMessage> {
    return { type: 'runs/snapshot', ...(await this.tableData()) };
  }

  private async tableData(): Promise<RunsTableData> {
    const listing = await listRunsIn(this.deps.runsDirs(), this.deps.ownedRunIds?.());
    this.dirs = new Map(listing.map((r) => [r.runId, r.dir]));
    const rows = listing.map(toRow);
    return { rows, paramKeys: paramKeysOf(listing) };
  }

  /** Coalesces bursts (a trainer rewrites status.json every second): one listing per 300 ms at most. */
  private refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.gate.isLive || this.isDisposed) return;
      this.tableData()
        .then((data) => this.gate.send({ type: 'runs/changed', ...data }))
        .catch((e: unknown) => this.deps.log.warn(this.component, `could not list the runs: ${(e as Error).message}`));
    }, 300);
  }

  protected async onMessage(m: OwnMessage<RunsTableToHostMessage>): Promise<void> {
    switch (m.type) {
      case 'runs/compare':
        MetricsPanel.createOrShow(this.context, this.deps, m.runIds.filter((id) => this.dirs.has(id)), { replace: true });
        break;
      case 'run/action':
        await this.act(m.action, m.runId);
        break;
      case 'run/annotate': {
        const dir = this.dirs.get(m.runId);
        let error: string | undefined;
        if (!dir) error = `${m.runId} is not in the runs folder any more`;
        else if (!vscode.workspace.isTrusted) error = 'the workspace is in Restricted Mode, where VS-ML writes nothing; trust the workspace to edit notes and tags';
        else {
          try {
            writeRunAnnotations(dir, { notes: m.notes, tags: m.tags });
            this.deps.log.info(this.component, `saved the notes and tags of ${m.runId}`);
          } catch (e) {
            error = (e as Error).message;
          }
        }
        if (error) this.deps.log.warn(this.component, `notes and tags of ${m.runId} not saved: ${error}`);
        this.gate.send({ type: 'run/annotated', requestId: m.requestId, runId: m.runId, ...(error ? { error } : {}) });
        this.refreshSoon();
        break;
      }
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private async act(action: RunAction, runId: string): Promise<void> {
    const dir = this.dirs.get(runId);
    if (!dir) {
      this.deps.log.warn(this.component, `${action}: ${runId} is not in the runs folder any more`);
      this.refreshSoon();
      return;
    }
    if (action === 'open') {
      await vscode.commands.executeCommand('vsml.openMetrics', runId);
      return;
    }
    // The explorer's commands take a run node; they check it against the runs they know (pick.ts).
    await vscode.commands.executeCommand(ACTION_COMMANDS[action], { kind: 'run', runId, dir });
  }
}
