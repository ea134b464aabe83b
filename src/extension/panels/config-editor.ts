/**
 * The custom text editor for *.vsml.json: a form generated from schemas/experiment.schema.json.
 * The text document stays the truth: form changes become WorkspaceEdits (undo, redo, git diff
 * work), and every change of the text, whoever made it, is parsed, validated with the engine's
 * checks and sent back to the form.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { ConfigToHostMessage, HostToConfigMessage, parseConfigToHostMessage } from '../../protocol/config-panel';
import { configDocumentState } from './config-document';
import { configEdits } from './config-edits';
import type { PanelDeps } from './deps';
import { type OwnMessage, PanelHost } from './panel-host';

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
    // The session releases itself (and its listeners) when VS Code disposes the panel.
    new ConfigEditorSession(document, panel, this.context, this.deps, () => this.loadSchema());
  }
}

class ConfigEditorSession extends PanelHost<HostToConfigMessage, ConfigToHostMessage> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    deps: PanelDeps,
    private readonly schema: () => Promise<unknown>,
  ) {
    super(panel, context, deps, { app: 'config-editor', title: 'VS-ML Config', component: 'config editor', parse: parseConfigToHostMessage });
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

  protected async buildSnapshot(): Promise<HostToConfigMessage> {
    return {
      type: 'config/init',
      schema: await this.schema(),
      fileName: vscode.workspace.asRelativePath(this.document.uri),
      document: this.state(),
      canTrain: vscode.workspace.isTrusted,
    };
  }

  /** Errors thrown here are logged and shown in the panel by PanelHost. */
  protected async onMessage(m: OwnMessage<ConfigToHostMessage>): Promise<void> {
    switch (m.type) {
      case 'config/set':
      case 'config/remove':
        await this.applyEdit(m.path, m.type === 'config/set' ? m.value : undefined);
        break;
      case 'train':
        if (this.document.isDirty) await this.document.save();
        await vscode.commands.executeCommand('vsml.train', this.document.uri);
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
      this.deps.log.warn(this.component, `${this.document.uri.fsPath}: ${(e as Error).message}`);
      this.gate.send({ type: 'config/document', document: this.state() });
      return;
    }
    if (edits.length === 0) return;
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) {
      we.replace(this.document.uri, new vscode.Range(this.document.positionAt(e.offset), this.document.positionAt(e.offset + e.length)), e.content);
    }
    const ok = await vscode.workspace.applyEdit(we);
    if (!ok) this.deps.log.warn(this.component, `VS Code refused the edit of ${path.join('.')} in ${this.document.uri.fsPath}`);
  }
}
