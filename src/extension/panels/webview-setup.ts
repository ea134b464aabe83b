/**
 * Options and HTML shared by every panel: scripts on, resources only from dist/webview and
 * media/, and the page from html.ts with the panel's bundle and stylesheet.
 */
import * as vscode from 'vscode';
import { panelHtml } from './html';
import type { ParseResult } from '../../protocol/fields';
import type { Log } from '../output';

export type PanelApp = 'metrics' | 'graph' | 'config-editor' | 'runs-table';

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

/**
 * A panel is untrusted input: every message it posts goes through its protocol parser first.
 * Returns the parsed message, or logs why it was dropped and returns undefined.
 */
export function acceptPanelMessage<T>(raw: unknown, parse: (v: unknown) => ParseResult<T>, log: Log, component: string): T | undefined {
  const parsed = parse(raw);
  if (parsed.ok) return parsed.message;
  log.warn(component, `dropped a message from the panel: ${parsed.error}`);
  return undefined;
}
