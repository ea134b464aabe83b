/**
 * The one base of the three panel hosts (metrics, graph, config editor): webview options and HTML,
 * the `ready` handshake through a ReadyGate (snapshot, then deltas; a failed snapshot shows its
 * error in the panel), every panel message parsed first, `log` lines forwarded, a handler that
 * throws logged and shown instead of lost, and the panel released with its owner.
 * A subclass builds its snapshot and handles its own message kinds.
 */
import * as vscode from 'vscode';
import type { ParseResult } from '../../protocol/fields';
import type { PanelError, PanelLog } from '../../protocol/panel-fields';
import { Disposable } from '../dispose';
import type { PanelDeps } from './deps';
import { ReadyGate } from './ready-gate';
import { type PanelApp, acceptPanelMessage, setPanelHtml, webviewOptions } from './webview-setup';

/** The messages every panel sends and the base handles. */
type BaseMessage = { readonly type: 'ready' } | PanelLog;

/** A panel's messages that its host handles itself. */
export type OwnMessage<FromPanel> = Exclude<FromPanel, BaseMessage>;

export interface PanelHostSpec<FromPanel> {
  readonly app: PanelApp;
  readonly title: string;
  /** Prefix of this panel's lines in the output channel. */
  readonly component: string;
  readonly parse: (value: unknown) => ParseResult<FromPanel>;
}

export abstract class PanelHost<ToPanel extends { readonly type: string }, FromPanel extends { readonly type: string }> extends Disposable {
  protected readonly gate: ReadyGate<ToPanel | PanelError>;
  protected readonly component: string;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    protected readonly deps: PanelDeps,
    private readonly spec: PanelHostSpec<FromPanel>,
  ) {
    super();
    this.component = spec.component;
    panel.webview.options = webviewOptions(context.extensionUri);
    setPanelHtml(panel.webview, context.extensionUri, spec.app, spec.title);
    this.gate = new ReadyGate<ToPanel | PanelError>((m) => void panel.webview.postMessage(m), (e) => ({ type: 'panel/error', message: e.message }));
    this.track(panel.onDidDispose(() => this.dispose()));
    this.track(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  /** What the panel shows after `ready`. Throwing shows the error in the panel. */
  protected abstract buildSnapshot(): Promise<ToPanel>;

  /** The panel's own messages (`ready` and `log` are handled here). */
  protected abstract onMessage(message: OwnMessage<FromPanel>): void | Promise<void>;

  /** Builds and sends a fresh snapshot (on `ready`, or when what the panel shows changed wholesale). */
  protected sendSnapshot(): void {
    void this.gate.ready(() => this.buildSnapshot()).then((error) => {
      if (error) this.deps.log.error(this.component, `could not build the panel: ${error.message}`);
    });
  }

  private receive(raw: unknown): void {
    const m = acceptPanelMessage(raw, this.spec.parse, this.deps.log, this.component);
    if (!m) return;
    const base = m as unknown as BaseMessage;
    if (base.type === 'ready') return this.sendSnapshot();
    if (base.type === 'log') return this.deps.log[base.level](this.component, base.message);
    Promise.resolve()
      .then(() => this.onMessage(m as OwnMessage<FromPanel>))
      .catch((e: unknown) => {
        const message = `could not handle ${m.type}: ${e instanceof Error ? e.message : String(e)}`;
        this.deps.log.error(this.component, message);
        if (this.gate.isListening && !this.isDisposed) void this.panel.webview.postMessage({ type: 'panel/error', message } satisfies PanelError);
      });
  }
}
