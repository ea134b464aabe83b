/**
 * The webview test harness: a 127.0.0.1 http server that serves each panel's page built by the
 * extension's own html.ts (the real CSP with its nonce), with a stub acquireVsCodeApi that records
 * posts and state, a VS Code theme stylesheet (light or dark) and the body class VS Code sets; and
 * headless Debian Chromium driven by playwright-core. Page objects per panel build on this.
 */
import { createServer, Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panels/html';
import { REPO_ROOT } from '../helpers/paths';

export const RESULTS = join(REPO_ROOT, 'test-results');
export type Theme = 'light' | 'dark' | 'hc';
export type App = 'metrics' | 'graph' | 'config-editor' | 'runs-table';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Runs before the app: the API VS Code injects, recording what the panel posts and saves. */
const STUB = `
// tsx (esbuild keepNames) wraps named functions in code passed to page.evaluate with __name().
window.__name = (f) => f;
window.__posts = [];
// A state saved by an earlier incarnation of the panel (openPanel's savedState), as VS Code restores it.
window.__state = window.__restoredState;
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posts.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
});
`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface Harness {
  server: Server;
  origin: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const nonce = 'harnessNonce0123456789';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = /^\/panel\/(metrics|graph|config-editor|runs-table)$/.exec(url.pathname);
    if (page) {
      const origin = `http://${req.headers.host}`;
      const asked = url.searchParams.get('theme');
      const theme: Theme = asked === 'light' || asked === 'hc' ? asked : 'dark';
      const bodyClass = theme === 'hc' ? 'vscode-high-contrast' : `vscode-${theme}`;
      const html = panelHtml({
        cspSource: origin,
        scriptUri: `${origin}/dist/webview/${page[1]}.js`,
        styleUri: `${origin}/dist/webview/${page[1]}.css`,
        title: page[1],
        nonce,
      })
        .replace('<head>', `<head>\n<link rel="stylesheet" href="${origin}/theme/${theme}.css">`)
        .replace('<body>', `<body class="${bodyClass}" data-vscode-theme-kind="${bodyClass}">`)
        .replace(`<script nonce="${nonce}"`, `<script nonce="${nonce}" src="${origin}/stub.js"></script>\n<script nonce="${nonce}"`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(STUB);
      return;
    }
    const theme = /^\/theme\/(light|dark|hc)\.css$/.exec(url.pathname);
    const file = theme
      ? join(__dirname, 'themes', `${theme[1]}.css`)
      : url.pathname.startsWith('/dist/webview/')
        ? normalize(join(REPO_ROOT, url.pathname))
        : '';
    if (!file || !file.startsWith(REPO_ROOT) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(join(REPO_ROOT, 'dist/webview/metrics.js'))) throw new Error('dist/webview is missing: run `node scripts/build.mjs` first (npm run test:webview does)');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  mkdirSync(RESULTS, { recursive: true });
  return {
    server,
    origin,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface PanelPage {
  page: Page;
  /** Everything the panel posted so far. */
  posts(): Promise<{ type: string; [k: string]: unknown }[]>;
  /** Delivers a host message as VS Code does (a message event on window). */
  send(message: unknown): Promise<void>;
  savedState(): Promise<unknown>;
  cspViolations(): Promise<string[]>;
  consoleErrors: string[];
  screenshot(name: string): Promise<string>;
}

export async function openPanel(h: Harness, app: App, theme: Theme, size = { width: 1200, height: 900 }, restoredState?: unknown): Promise<PanelPage> {
  const page = await h.browser.newPage({ viewport: size, deviceScaleFactor: 1 });
  if (restoredState !== undefined) await page.addInitScript((s) => { (window as unknown as { __restoredState: unknown }).__restoredState = s; }, restoredState);
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${h.origin}/panel/${app}?theme=${theme}`);
  await page.waitForFunction(() => (window as unknown as { __posts: { type: string }[] }).__posts.some((p) => p.type === 'ready'));
  return {
    page,
    consoleErrors,
    posts: () => page.evaluate(() => (window as unknown as { __posts: { type: string }[] }).__posts) as Promise<{ type: string }[]>,
    send: async (m) => {
      await page.evaluate((msg) => window.postMessage(msg, '*'), m);
      // Message events are tasks; let them run and the next frame paint.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    },
    savedState: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    screenshot: async (name) => {
      const file = join(RESULTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}
