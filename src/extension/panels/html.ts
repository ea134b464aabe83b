/**
 * The one function that builds a panel's HTML (style guide §5): a fresh nonce per page, a
 * Content-Security-Policy with `default-src 'none'`, scripts only by nonce, styles, fonts and
 * images only from the webview's own resource origin, no inline script, no eval. No vscode
 * import: the caller passes the webview's cspSource and the resource URIs as strings.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/webview/<panel>.js */
  scriptUri: string;
  /** asWebviewUri of dist/webview/<panel>.css (esbuild's css output of the panel's imports) */
  styleUri: string;
  title: string;
  /** Only for tests; a page always gets a fresh one. */
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** Escapes text for an HTML attribute or text node (titles come from run names). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(o: PanelHtmlOptions): string {
  const nonce = o.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.cspSource.replace(/["<>]/g, ''), nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
