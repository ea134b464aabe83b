/**
 * The status-bar item of the `vsml.cluster` setting: "VS-ML cluster: N workers · Q queued", probed
 * every 10 s by running the bundled CLI's `vsml cluster status --json` in a child process (BullMQ and
 * ioredis stay out of the extension host). Hidden when the setting is empty or the workspace is not
 * trusted; a click runs "VS-ML: Train on Cluster".
 */
import * as vscode from 'vscode';
import { parseClusterStatus } from '../../protocol/cluster-status';
import { Disposable } from '../dispose';
import type { Log } from '../output';
import type { ChildLike, ForkFn } from '../trainer/trainer-process';
import { type ClusterProbe, clusterStatusView, probeFailureReason } from './status-bar-view';

export const CLUSTER_POLL_MS = 10_000;
/** A probe gives up on Redis after 5 s (the CLI's --timeout); one still running after this is hung. */
const PROBE_KILL_MS = 20_000;

export interface ClusterStatusBarDeps {
  readonly cliPath: string;
  readonly clusterUrl: () => string;
  readonly isTrusted: () => boolean;
  readonly fork: ForkFn;
  readonly log: Log;
  readonly cwd: () => string;
}

export class ClusterStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private probe: ChildLike | undefined;
  /** The URL being shown; a probe of another URL (the setting changed meanwhile) is ignored. */
  private url = '';
  private lastLogged = '';

  constructor(private readonly deps: ClusterStatusBarDeps) {
    super();
    this.item = this.track(vscode.window.createStatusBarItem('vsml.clusterStatus', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'VS-ML Cluster';
    this.item.command = 'vsml.trainOnCluster';
    this.track(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('vsml.cluster') && this.update()));
    this.track(vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()));
    this.track({ dispose: () => this.stop() });
    this.update();
  }

  /** Shows and polls when a cluster is set in a trusted workspace; hides and stops otherwise. */
  update(): void {
    const url = this.deps.isTrusted() ? this.deps.clusterUrl() : '';
    if (url === this.url) return;
    this.stop();
    this.url = url;
    if (!url) {
      this.item.hide();
      return;
    }
    this.item.text = '$(server-environment) VS-ML cluster: …';
    this.item.tooltip = 'VS-ML cluster: asking the queue';
    this.item.backgroundColor = undefined;
    this.item.show();
    this.poll();
    this.timer = setInterval(() => this.poll(), CLUSTER_POLL_MS);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.probe?.kill('SIGKILL');
    this.probe = undefined;
  }

  private poll(): void {
    if (this.probe || this.isDisposed) return; // the last probe is still waiting on Redis
    const url = this.url;
    let stdout = '';
    let stderr = '';
    // The URL travels in the environment, not on the command line `ps` shows: it may hold a password.
    const child = this.deps.fork(this.deps.cliPath, ['cluster', 'status', '--json'], { cwd: this.deps.cwd(), env: { ...process.env, VSML_CLUSTER: url } });
    this.probe = child;
    child.stdout?.on('data', (d: Buffer) => void (stdout.length < 1_000_000 && (stdout += d)));
    child.stderr?.on('data', (d: Buffer) => void (stderr.length < 100_000 && (stderr += d)));
    const hung = setTimeout(() => child.kill('SIGKILL'), PROBE_KILL_MS);
    const done = (ended: string | undefined): void => {
      clearTimeout(hung);
      if (this.probe !== child) return; // stopped, or replaced after a settings change
      this.probe = undefined;
      if (this.isDisposed || url !== this.url) return;
      let probe: ClusterProbe;
      if (ended === undefined) {
        const parsed = parseClusterStatus(stdout);
        probe = parsed.ok ? { ok: true, status: parsed.message } : { ok: false, reason: `could not read vsml cluster status: ${parsed.error}` };
      } else probe = { ok: false, reason: probeFailureReason(stderr, ended) };
      this.show(probe);
    };
    child.on('error', (e) => done(`could not start ${this.deps.cliPath}: ${e.message}`));
    child.on('exit', (code, signal) => done(code === 0 ? undefined : signal ? `killed by ${signal} (no answer within ${PROBE_KILL_MS / 1000} s)` : `vsml cluster status exited with code ${code}`));
  }

  private show(probe: ClusterProbe): void {
    const view = clusterStatusView(probe);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    // Every 10 s would flood the output channel: log a failure when it changes, and the recovery.
    const logged = probe.ok ? '' : probe.reason;
    if (logged !== this.lastLogged) {
      if (probe.ok) this.deps.log.info('cluster', `reachable again: ${view.text.replace('$(server-environment) ', '')}`);
      else this.deps.log.warn('cluster', probe.reason);
      this.lastLogged = logged;
    }
  }
}
