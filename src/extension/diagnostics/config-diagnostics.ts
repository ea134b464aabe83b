/**
 * Diagnostics for `*.vsml.json` documents: every schema and semantic fault, in the engine's
 * words (syntax errors are VS Code's own; see diagnostic-data.ts). One function computes them
 * with the engine's config loader, a subscriber reruns it on change (debounced) and clears on
 * close; quick fixes key on the diagnostic's `code`.
 */
import * as vscode from 'vscode';
import { loadConfigFile, validateConfigText } from '../../engine/config/load-config';
import type { ConfigIssue } from '../../engine/config/issues';
import type { DatasetCatalog } from '../../engine/config/dataset-facts';
import { Disposable } from '../dispose';
import { type DiagnosticData, configDiagnostics } from './diagnostic-data';
import { quickFixes } from './quick-fixes';

export const DIAGNOSTIC_SOURCE = 'vsml';
const SEVERITY: Record<DiagnosticData['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export const isConfigDocument = (doc: vscode.TextDocument): boolean => doc.uri.path.endsWith('.vsml.json');

/** Diagnostic -> the engine's data (pointer) it came from, for the quick fixes. */
const origin = new WeakMap<vscode.Diagnostic, DiagnosticData>();

export function computeDiagnostics(doc: vscode.TextDocument, catalog: DatasetCatalog | undefined): vscode.Diagnostic[] {
  const text = doc.getText();
  const result = validateConfigText(text, doc.uri.fsPath, catalog ? { catalog } : {});
  return configDiagnostics(text, result.issues).map((d) => {
    const diag = new vscode.Diagnostic(
      new vscode.Range(d.start.line, d.start.character, d.end.line, d.end.character), d.message, SEVERITY[d.severity]);
    diag.code = d.code;
    diag.source = DIAGNOSTIC_SOURCE;
    origin.set(diag, d);
    return diag;
  });
}

export class ConfigDiagnostics extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = this.track(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly catalog: () => DatasetCatalog | undefined) {
    super();
    this.track(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this.track(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 250)));
    this.track(vscode.workspace.onDidCloseTextDocument((d) => {
      this.collection.delete(d.uri);
    }));
    this.track(vscode.languages.registerCodeActionsProvider({ pattern: '**/*.vsml.json' }, this, {
      providedCodeActionKinds: ConfigDiagnostics.providedCodeActionKinds,
    }));
    this.track({ dispose: () => this.pending.forEach((t) => clearTimeout(t)) });
    // Config files changed or deleted outside an editor (git checkout, another tool).
    const watcher = this.track(vscode.workspace.createFileSystemWatcher('**/*.vsml.json'));
    const revalidate = (uri: vscode.Uri): void => {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open) this.schedule(open, 250);
      else void vscode.workspace.openTextDocument(uri).then((d) => this.schedule(d, 0), () => this.collection.delete(uri));
    };
    this.track(watcher.onDidCreate(revalidate));
    this.track(watcher.onDidChange(revalidate));
    this.track(watcher.onDidDelete((uri) => this.collection.delete(uri)));
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Validates every config file of the workspace, open or not (so the Problems panel lists them all). */
  async validateWorkspace(): Promise<void> {
    for (const uri of await vscode.workspace.findFiles('**/*.vsml.json', '**/node_modules/**')) {
      const doc = await vscode.workspace.openTextDocument(uri);
      this.update(doc);
    }
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  /**
   * The errors a run of this file would meet, checked now from the file as saved (the trainer
   * reads the file, not the editor: an encoding the CLI refuses counts), and shown in Problems.
   */
  async errorsBeforeTraining(uri: vscode.Uri): Promise<readonly ConfigIssue[]> {
    const catalog = this.catalog();
    const result = await loadConfigFile(uri.fsPath, catalog ? { catalog } : {});
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) this.update(open);
    return result.issues.filter((i) => i.severity === 'error');
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isConfigDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.update(doc);
    }, delayMs));
  }

  update(doc: vscode.TextDocument): void {
    if (this.isDisposed || doc.isClosed) return;
    this.collection.set(doc.uri, computeDiagnostics(doc, this.catalog()));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diag of ctx.diagnostics) {
      const data = origin.get(diag);
      if (!data) continue;
      for (const fix of quickFixes(doc.getText(), data.code, data.pointer)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
        action.edit = edit;
        action.diagnostics = [diag];
        action.isPreferred = fix.preferred;
        actions.push(action);
      }
    }
    return actions;
  }
}
