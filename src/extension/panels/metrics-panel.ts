/**
 * The metrics panel's host side: one panel (createOrShow/revive), the selected runs' rows sent as
 * one snapshot after `ready`, then only new rows, from the trainer's messages and from the run
 * files (so runs started from the CLI are live too). Rows are deduplicated by meta-step (metrics)
 * and by (step, dataset, length) (evaluations), since both sources carry the same rows.
 * The snapshot streams the run files and downsamples them (chart-data.ts), so a run of 10^6
 * meta-steps opens in bounded host memory; a tail that grew by more than MAX_TAIL_ROWS rows (e.g.
 * a file replaced on resume) is sent as a fresh snapshot instead of one huge append.
 * The panel also shows one `vsml compare` output folder's table.csv as a heat map (VS-ML: Open
 * Compare Results), followed by a CompareFollower while `vsml compare` writes it.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  type ExportRequest, HostToMetricsMessage, MAX_SELECTED_RUNS, MetricsRunData, MetricsToHostMessage, parseMetricsToHostMessage,
} from '../../protocol/metrics-panel';
import { EXPORT_FILTERS, exportBytes } from './export-file';
import { EvalRow, evalRowKey, MetricsRow, parseEvalRow, parseMetricsRow } from '../../protocol/run-records';
import type { TrainerMessage } from '../../protocol/trainer';
import { readChartData } from './chart-data';
import type { PanelDeps } from './deps';
import { readJsonlRows } from '../../engine/runs/jsonl-stream';
import { readRunStatus as readStatus } from '../../engine/runs/run-repository';
import { type OwnMessage, PanelHost } from './panel-host';
import { readRunHeader, summaryOf } from './run-data';
import { listRuns, runDirOf } from './run-lookup';
import { webviewOptions } from './webview-setup';
import { CompareFollower } from './compare-follower';
import { pickCompareFolder } from './compare-folder';

/** New rows sent as an append; more than this at once and the panel gets a fresh (downsampled) snapshot. */
const MAX_TAIL_ROWS = 10_000;

interface Followed {
  dir: string;
  offsets: { metrics: number; evals: number };
  lastStep: number;
  evalKeys: Set<string>;
}

export class MetricsPanel extends PanelHost<HostToMetricsMessage, MetricsToHostMessage> {
  static readonly viewType = 'vsml.metrics';
  private static current: MetricsPanel | undefined;

  private selected: string[];
  private followed = new Map<string, Followed>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();
  private compare: CompareFollower | undefined;

  /** Opens (or reveals) the panel showing the table of a `vsml compare` output folder. */
  static openCompare(context: vscode.ExtensionContext, deps: PanelDeps, folder: string): MetricsPanel {
    const existing = MetricsPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      existing.showCompare(folder);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MetricsPanel.viewType, 'VS-ML Metrics', vscode.ViewColumn.Beside, webviewOptions(context.extensionUri));
    return (MetricsPanel.current = new MetricsPanel(panel, context, deps, [], folder));
  }

  /** `replace`: show exactly `runIds` (the runs table's Compare) instead of adding them to what is shown. */
  static createOrShow(context: vscode.ExtensionContext, deps: PanelDeps, runIds: readonly string[] = [], opts: { replace?: boolean } = {}): MetricsPanel {
    const existing = MetricsPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      if (runIds.length > 0) existing.select(opts.replace ? [...runIds] : [...new Set([...runIds, ...existing.selected])]);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MetricsPanel.viewType, 'VS-ML Metrics', vscode.ViewColumn.Beside, webviewOptions(context.extensionUri));
    return (MetricsPanel.current = new MetricsPanel(panel, context, deps, [...runIds]));
  }

  /** The serializer's path: the webview saved its selection (and open compare folder) with setState. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps, state: unknown): MetricsPanel {
    const saved = state as { selected?: unknown; compareFolder?: unknown } | undefined;
    const sel = saved?.selected;
    const selected = Array.isArray(sel) ? sel.filter((s): s is string => typeof s === 'string').slice(0, MAX_SELECTED_RUNS) : [];
    // Only a table is read from it (never code run, nothing written), as in Restricted Mode too.
    const compareFolder = typeof saved?.compareFolder === 'string' && saved.compareFolder.length > 0 ? saved.compareFolder : undefined;
    MetricsPanel.current?.dispose();
    return (MetricsPanel.current = new MetricsPanel(panel, context, deps, selected, compareFolder));
  }

  private constructor(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps, selected: string[], compareFolder?: string) {
    super(panel, context, deps, { app: 'metrics', title: 'VS-ML Metrics', component: 'metrics panel', parse: parseMetricsToHostMessage });
    this.selected = selected;
    if (compareFolder) this.followCompare(compareFolder);
    this.track(deps.onTrainerMessage((e) => this.onTrainerMessage(e.message)));
    for (const dir of deps.runsDirs()) {
      const watcher = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*/{metrics.jsonl,eval.jsonl,status.json}')));
      const changed = (uri: vscode.Uri): void => this.fileChanged(uri.fsPath);
      this.track(watcher.onDidChange(changed));
      this.track(watcher.onDidCreate(changed));
    }
  }

  override dispose(): void {
    if (MetricsPanel.current === this) MetricsPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.compare?.dispose();
    this.compare = undefined;
    super.dispose();
  }

  /** Shows the table of `folder` (replacing another folder's) and follows its table.csv. */
  showCompare(folder: string): void {
    const follower = this.compare?.folder === folder ? this.compare : this.followCompare(folder);
    this.gate.send({ type: 'compare/table', compare: follower.view() });
  }

  private followCompare(folder: string): CompareFollower {
    this.compare?.dispose();
    this.compare = new CompareFollower(folder, (view) => this.gate.send({ type: 'compare/table', compare: view }));
    this.deps.log.info(this.component, `showing the compare table of ${folder}`);
    return this.compare;
  }

  private closeCompare(): void {
    this.compare?.dispose();
    this.compare = undefined;
    this.gate.send({ type: 'compare/table', compare: null });
  }

  protected onMessage(m: OwnMessage<MetricsToHostMessage>): void {
    switch (m.type) {
      case 'runs/select':
        this.select([...m.runIds]);
        break;
      case 'export/save':
        void this.saveExport(m);
        break;
      case 'runLog/open':
        void vscode.commands.executeCommand('vsml.openRunLog', m.runId);
        break;
      case 'compare/open':
        void pickCompareFolder().then((folder) => folder && this.showCompare(folder));
        break;
      case 'compare/close':
        this.closeCompare();
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  /** The webview cannot write files: ask where (showSaveDialog), write, and tell the panel how it went. */
  private async saveExport(m: ExportRequest): Promise<void> {
    const reply = (outcome: 'saved' | 'cancelled' | 'failed', extra: { path?: string; error?: string } = {}): void =>
      this.gate.send({ type: 'export/done', requestId: m.requestId, outcome, ...extra });
    try {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({
        title: `Save chart as ${m.format.toUpperCase()}`,
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, m.fileName) } : {}),
        filters: { [EXPORT_FILTERS[m.format]]: [m.format] },
      });
      if (!uri) {
        reply('cancelled');
        return;
      }
      await vscode.workspace.fs.writeFile(uri, exportBytes(m));
      this.deps.log.info(this.component, `saved ${m.format} of a chart to ${uri.fsPath}`);
      reply('saved', { path: uri.fsPath });
    } catch (e) {
      const error = (e as Error).message;
      this.deps.log.warn(this.component, `could not save ${m.fileName}: ${error}`);
      reply('failed', { error });
    }
  }

  private select(runIds: string[]): void {
    this.selected = runIds.slice(0, MAX_SELECTED_RUNS);
    // Before the first `ready` the snapshot built then uses this selection; never post to a deaf webview.
    if (!this.gate.isListening) return;
    this.sendSnapshot();
  }

  protected async buildSnapshot(): Promise<HostToMetricsMessage> {
    const dirs = this.deps.runsDirs();
    const available = await listRuns(dirs, this.deps.ownedRunIds?.());
    if (this.selected.length === 0 && available.length > 0) this.selected = [available[0].summary.runId];
    const runs: MetricsRunData[] = [];
    this.followed = new Map();
    for (const runId of this.selected) {
      const dir = runDirOf(dirs, runId);
      if (!dir) {
        this.deps.log.warn(this.component, `run ${runId} is not in ${dirs.join(', ')}`);
        continue;
      }
      const header = await readRunHeader(dir);
      const data = await readChartData(dir);
      for (const p of [...header.problems, ...data.problems]) this.deps.log.warn(this.component, p);
      this.followed.set(runId, {
        dir,
        offsets: data.offsets,
        lastStep: data.metrics.reduce((s, r) => Math.max(s, r.step), -1),
        evalKeys: new Set(data.evals.map(evalRowKey)),
      });
      runs.push({
        summary: summaryOf(runId, header.status, header.config),
        config: header.config,
        metrics: data.metrics,
        evals: data.evals,
        metricsRowCount: data.metricsRowCount,
        ...(header.provenance ? { provenance: header.provenance } : {}),
      });
    }
    return { type: 'metrics/snapshot', available: available.map((r) => r.summary), runs, ...(this.compare ? { compare: this.compare.view() } : {}) };
  }

  private deliverMetrics(runId: string, rows: readonly MetricsRow[]): void {
    const f = this.followed.get(runId);
    if (!f) return;
    const fresh = rows.filter((r) => r.step > f.lastStep);
    if (fresh.length === 0) return;
    f.lastStep = fresh.reduce((s, r) => Math.max(s, r.step), f.lastStep);
    this.gate.send({ type: 'metrics/append', runId, rows: fresh });
  }

  private deliverEvals(runId: string, rows: readonly EvalRow[]): void {
    const f = this.followed.get(runId);
    if (!f) return;
    const fresh = rows.filter((r) => !f.evalKeys.has(evalRowKey(r)));
    if (fresh.length === 0) return;
    for (const r of fresh) f.evalKeys.add(evalRowKey(r));
    this.gate.send({ type: 'eval/append', runId, rows: fresh });
  }

  private onTrainerMessage(m: TrainerMessage): void {
    switch (m.type) {
      case 'metrics/append':
        this.deliverMetrics(m.runId, m.rows);
        break;
      case 'eval/append':
        this.deliverEvals(m.runId, m.rows);
        break;
      case 'run/started':
        // A run the panel does not know yet: a new snapshot lists it (and shows it when nothing else is selected).
        if (!this.followed.has(m.runId)) {
          if (this.gate.isLive) this.select(this.selected);
        } else this.markDirty(m.runId);
        break;
      case 'run/progress':
      case 'run/done':
        // A state change: the status file says it best; refresh from it.
        if (this.followed.has(m.runId)) this.markDirty(m.runId);
        break;
      default:
        break;
    }
  }

  /** A run file changed on disk: tail it soon (changes come in bursts, one per line). */
  private fileChanged(file: string): void {
    for (const [runId, f] of this.followed) if (file.startsWith(f.dir)) this.markDirty(runId);
  }

  private markDirty(runId: string): void {
    this.dirty.add(runId);
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) void this.refresh(id).catch((e) => this.deps.log.warn(this.component, `could not read run ${id}: ${(e as Error).message}`));
    }, 250);
  }

  private async refresh(runId: string): Promise<void> {
    const f = this.followed.get(runId);
    if (!f || !this.gate.isLive) return;
    const metrics = await readJsonlRows(join(f.dir, 'metrics.jsonl'), f.offsets.metrics, parseMetricsRow, MAX_TAIL_ROWS);
    const evals = await readJsonlRows(join(f.dir, 'eval.jsonl'), f.offsets.evals, parseEvalRow, MAX_TAIL_ROWS);
    for (const p of [...metrics.problems, ...evals.problems]) this.deps.log.warn(this.component, p);
    if (metrics.truncated || evals.truncated) {
      this.select(this.selected);
      return;
    }
    f.offsets = { metrics: metrics.nextOffset, evals: evals.nextOffset };
    this.deliverMetrics(runId, metrics.rows);
    this.deliverEvals(runId, evals.rows);
    const { status } = await readStatus(f.dir);
    if (status) this.gate.send({ type: 'run/status', summary: summaryOf(runId, status, null) });
  }
}
