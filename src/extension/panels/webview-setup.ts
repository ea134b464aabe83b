/**
 * Options and HTML shared by every panel: scripts on, resources only from dist/webview and
 * media/, and the page from html.ts with the panel's bundle and stylesheet.
 */
import * as vscode from 'vscode';
import { panelHtml } from './html';

export type PanelApp = 'metrics' | 'graph' | 'config-editor';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function setPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, app: PanelApp, title: string): void {
  const asset = (ext: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${app}.${ext}`)).toString();
  webview.html = panelHtml({ cspSource: webview.cspSource, scriptUri: asset('js'), styleUri: asset('css'), title });
}
