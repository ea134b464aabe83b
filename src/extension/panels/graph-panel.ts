/**
 * The variable-sharing graph's host side: one panel per run (the run id is the panel's key),
 * `graph/snapshot` after `ready` (the run, the V_M set of each layer, its latest snapshot.json),
 * then each new state snapshot from the trainer or from snapshot.json being replaced.
 */
import * as vscode from 'vscode';
import { GraphToHostMessage, HostToGraphMessage, parseGraphToHostMessage } from '../../protocol/graph-panel';
import type { TrainerMessage } from '../../protocol/trainer';
import type { PanelDeps } from './deps';
import { type OwnMessage, PanelHost } from './panel-host';
import { paramSharingOf, readRunHeader, readRunSnapshot, summaryOf } from './run-data';
import { listRuns, runDirOf } from './run-lookup';
import { webviewOptions } from './webview-setup';
import { showInfo } from '../notify';

export class GraphPanel extends PanelHost<HostToGraphMessage, GraphToHostMessage> {
  static readonly viewType = 'vsml.graph';
  private static readonly open = new Map<string, GraphPanel>();

  private timer: NodeJS.Timeout | undefined;

  /** Opens the graph of `runId`, or of the newest run. */
  static async createOrShow(context: vscode.ExtensionContext, deps: PanelDeps, runId?: string): Promise<GraphPanel | undefined> {
    const id = runId ?? (await listRuns(deps.runsDirs(), deps.ownedRunIds?.()))[0]?.summary.runId;
    if (!id) {
      void showInfo('No VS-ML runs yet: train an experiment first (Train VS-ML).');
      return undefined;
    }
    const existing = GraphPanel.open.get(id);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(GraphPanel.viewType, `VS-ML Graph: ${id}`, vscode.ViewColumn.Beside, webviewOptions(context.extensionUri));
    return new GraphPanel(panel, context, deps, id);
  }

  /** The serializer's path: the webview saved its run id with setState. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps, state: unknown): GraphPanel | undefined {
    const runId = (state as { runId?: unknown } | undefined)?.runId;
    if (typeof runId !== 'string' || !runDirOf(deps.runsDirs(), runId)) {
      panel.dispose();
      return undefined;
    }
    GraphPanel.open.get(runId)?.dispose();
    return new GraphPanel(panel, context, deps, runId);
  }

  private constructor(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: PanelDeps, private readonly runId: string) {
    super(panel, context, deps, { app: 'graph', title: `VS-ML Graph: ${runId}`, component: 'graph panel', parse: parseGraphToHostMessage });
    GraphPanel.open.set(runId, this);
    this.track(deps.onTrainerMessage((e) => this.onTrainerMessage(e.message)));
    const dir = runDirOf(deps.runsDirs(), runId);
    if (dir) {
      const watcher = this.track(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), 'snapshot.json')));
      this.track(watcher.onDidChange(() => this.snapshotFileChanged()));
      this.track(watcher.onDidCreate(() => this.snapshotFileChanged()));
    }
  }

  override dispose(): void {
    if (GraphPanel.open.get(this.runId) === this) GraphPanel.open.delete(this.runId);
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }

  /** The graph panel sends only `ready` and `log`, which the base handles. */
  protected onMessage(m: OwnMessage<GraphToHostMessage>): void {
    const never: never = m;
    void never;
  }

  protected async buildSnapshot(): Promise<HostToGraphMessage> {
    const dir = runDirOf(this.deps.runsDirs(), this.runId);
    if (!dir) throw new Error(`run ${this.runId} is no longer in the runs folder`);
    const header = await readRunHeader(dir);
    for (const p of header.problems) this.deps.log.warn(this.component, p);
    const snap = await readRunSnapshot(dir);
    if (snap.problem) this.deps.log.warn(this.component, snap.problem);
    const layerSizes = snap.snapshot?.layerSizes ?? [1, 1];
    return {
      type: 'graph/snapshot',
      summary: summaryOf(this.runId, header.status, header.config),
      sharing: paramSharingOf(header.config, layerSizes, snap.layerParamIndex),
      snapshot: snap.snapshot,
    };
  }

  private onTrainerMessage(m: TrainerMessage): void {
    if (m.type === 'state/snapshot' && m.runId === this.runId) this.gate.send({ type: 'state/snapshot', runId: m.runId, snapshot: m.snapshot });
  }

  /** snapshot.json is replaced after each evaluation; the trainer's message usually came first. */
  private snapshotFileChanged(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.resend().catch((e) => this.deps.log.warn(this.component, `could not read the snapshot of ${this.runId}: ${(e as Error).message}`));
    }, 300);
  }

  private async resend(): Promise<void> {
    const dir = runDirOf(this.deps.runsDirs(), this.runId);
    if (!dir || !this.gate.isLive) return;
    const snap = await readRunSnapshot(dir);
    if (snap.problem) this.deps.log.warn(this.component, snap.problem);
    if (!snap.snapshot) return;
    this.gate.send({ type: 'state/snapshot', runId: this.runId, snapshot: snap.snapshot });
  }
}
