/**
 * Registers the panels: commands vsml.openMetrics, vsml.openCompare, vsml.openGraph, vsml.openRunsTable, vsml.openConfigEditor,
 * the webview serializers (panels come back after a reload) and the custom text editor for
 * *.vsml.json. Activation calls registerPanels(context, deps); everything registered goes on
 * context.subscriptions.
 */
import * as vscode from 'vscode';
import { ConfigEditorProvider } from './config-editor';
import type { PanelDeps } from './deps';
import { GraphPanel } from './graph-panel';
import { MetricsPanel } from './metrics-panel';
import { pickCompareFolder, trackCompareFolders } from './compare-folder';
import { runIdFromArg } from './run-lookup';
import { RunsTablePanel } from './runs-table-panel';
import { webviewOptions } from './webview-setup';
import { showInfo } from '../notify';

export type { PanelDeps } from './deps';

export function registerPanels(context: vscode.ExtensionContext, deps: PanelDeps): void {
  const sub = (d: vscode.Disposable): void => void context.subscriptions.push(d);

  sub(vscode.commands.registerCommand('vsml.openMetrics', (arg?: unknown, more?: unknown) => {
    // From the explorer's multi-select the second argument holds every selected item.
    const ids = (Array.isArray(more) ? more : [arg]).map(runIdFromArg).filter((id): id is string => id !== undefined);
    MetricsPanel.createOrShow(context, deps, ids);
  }));
  sub(vscode.commands.registerCommand('vsml.openCompare', async (arg?: unknown) => {
    // A folder or its table.csv / table.md (explorer context menu), else a pick of the workspace's compare folders.
    const folder = await pickCompareFolder(arg);
    if (folder) MetricsPanel.openCompare(context, deps, folder);
  }));
  sub(trackCompareFolders((m) => deps.log.warn('compare', m)));
  sub(vscode.commands.registerCommand('vsml.openRunsTable', () => RunsTablePanel.createOrShow(context, deps)));
  sub(vscode.commands.registerCommand('vsml.openGraph', (arg?: unknown) => GraphPanel.createOrShow(context, deps, runIdFromArg(arg))));
  sub(vscode.commands.registerCommand('vsml.openConfigEditor', async (arg?: unknown) => {
    // A Uri (explorer context menu, editor title), a config node of the Experiments view ({ file }), or the active editor.
    const file = (arg as { file?: unknown } | undefined)?.file;
    const uri = arg instanceof vscode.Uri ? arg : typeof file === 'string' && file ? vscode.Uri.file(file) : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !uri.path.endsWith('.vsml.json')) {
      void showInfo('Open a *.vsml.json experiment file first, or pick one in the Experiments view.');
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', uri, ConfigEditorProvider.viewType);
  }));

  sub(vscode.window.registerWebviewPanelSerializer(MetricsPanel.viewType, {
    async deserializeWebviewPanel(panel, state) {
      panel.webview.options = webviewOptions(context.extensionUri);
      MetricsPanel.revive(panel, context, deps, state);
    },
  }));
  sub(vscode.window.registerWebviewPanelSerializer(RunsTablePanel.viewType, {
    async deserializeWebviewPanel(panel) {
      panel.webview.options = webviewOptions(context.extensionUri);
      RunsTablePanel.revive(panel, context, deps);
    },
  }));
  sub(vscode.window.registerWebviewPanelSerializer(GraphPanel.viewType, {
    async deserializeWebviewPanel(panel, state) {
      panel.webview.options = webviewOptions(context.extensionUri);
      GraphPanel.revive(panel, context, deps, state);
    },
  }));

  sub(vscode.window.registerCustomEditorProvider(ConfigEditorProvider.viewType, new ConfigEditorProvider(context, deps), {
    // The form is rebuilt from the document on every show; no need to keep a hidden webview alive.
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  }));
}
