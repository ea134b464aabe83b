/**
 * The custom text editor for *.vsml.json: a form generated from schemas/experiment.schema.json.
 * The text document stays the truth: form changes become WorkspaceEdits (undo, redo, git diff
 * work), and every change of the text, whoever made it, is parsed, validated with the engine's
 * checks and sent back to the form.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { HostToConfigMessage, parseConfigToHostMessage } from '../../protocol/config-panel';
import { Disposable } from '../dispose';
import { configDocumentState } from './config-document';
import { configEdits } from './config-edits';
import type { PanelDeps } from './deps';
import { ReadyGate } from './ready-gate';
import { setPanelHtml, webviewOptions, acceptPanelMessage } from './webview-setup';

const COMPONENT = 'config editor';

export class ConfigEditorProvider implements vscode.CustomTextEditorProvider {
  static readonly viewType = 'vsml.configEditor';
  private schema: Promise<unknown> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
  ) {}

  private loadSchema(): Promise<unknown> {
    this.schema ??= readFile(vscode.Uri.joinPath(this.context.extensionUri, 'schemas', 'experiment.schema.json').fsPath, 'utf8').then((t) => JSON.parse(t) as unknown);
    return this.schema;
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const session = new ConfigEditorSession(document, panel, this.context, this.deps, () => this.loadSchema());
    panel.onDidDispose(() => session.dispose());
  }
}

class ConfigEditorSession extends Disposable {
  private readonly gate: ReadyGate<HostToConfigMessage>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly deps: PanelDeps,
    private readonly schema: () => Promise<unknown>,
  ) {
    super();
    panel.webview.options = webviewOptions(context.extensionUri);
    setPanelHtml(panel.webview, context.extensionUri, 'config-editor', 'VS-ML Config');
    this.gate = new ReadyGate((m) => void panel.webview.postMessage(m));
    this.track(panel.webview.onDidReceiveMessage((m: unknown) => void this.onPanelMessage(m)));
    this.track(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === document.uri.toString() && e.contentChanges.length > 0) this.documentChanged();
    }));
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }

  private state() {
    return configDocumentState(this.document.getText(), this.document.uri.fsPath, this.document.version);
  }

  /** Typing sends a change per key; validate once the burst settles. */
  private documentChanged(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.gate.send({ type: 'config/document', document: this.state() });
    }, 150);
  }

  private async onPanelMessage(raw: unknown): Promise<void> {
    const m = acceptPanelMessage(raw, parseConfigToHostMessage, this.deps.log, COMPONENT);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        await this.gate.ready(async () => ({
          type: 'config/init',
          schema: await this.schema(),
          fileName: vscode.workspace.asRelativePath(this.document.uri),
          document: this.state(),
          canTrain: vscode.workspace.isTrusted,
        }));
        break;
      case 'config/set':
      case 'config/remove':
        await this.applyEdit(m.path, m.type === 'config/set' ? m.value : undefined);
        break;
      case 'train':
        if (this.document.isDirty) await this.document.save();
        await vscode.commands.executeCommand('vsml.train', this.document.uri);
        break;
      case 'log':
        this.deps.log[m.level](COMPONENT, m.message);
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private async applyEdit(path: readonly (string | number)[], value: unknown): Promise<void> {
    let edits;
    try {
      edits = configEdits(this.document.getText(), path, value);
    } catch (e) {
      this.deps.log.warn(COMPONENT, `${this.document.uri.fsPath}: ${(e as Error).message}`);
      this.gate.send({ type: 'config/document', document: this.state() });
      return;
    }
    if (edits.length === 0) return;
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) {
      we.replace(this.document.uri, new vscode.Range(this.document.positionAt(e.offset), this.document.positionAt(e.offset + e.length)), e.content);
    }
    const ok = await vscode.workspace.applyEdit(we);
    if (!ok) this.deps.log.warn(COMPONENT, `VS Code refused the edit of ${path.join('.')} in ${this.document.uri.fsPath}`);
  }
}
