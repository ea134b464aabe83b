/**
 * One code-server session for the panels' end-to-end scripts (code-server.e2e.ts,
 * runs-table.e2e.ts): the packaged .vsix installed into a fresh user/extensions folder, a
 * workspace the caller fills, code-server started detached in its own process group with every
 * XDG/TMP folder inside the session, Debian Chromium on the workbench. `close()` ends all of it,
 * pass or fail (../shared/notes/vscode-e2e.md).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { type Browser, type FrameLocator, type Page, chromium } from 'playwright-core';
import { Workbench } from '../e2e/pages/workbench';
import { CHROMIUM_FLAGS } from './harness';
import { REPO_ROOT } from '../helpers/paths';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
export const VSIX = process.env.VSML_E2E_VSIX ?? join(REPO_ROOT, 'dist-vsix', `${pkg.name}-${pkg.version}.vsix`);

export interface CodeServerSession {
  readonly page: Page;
  readonly wb: Workbench;
  /** The workspace folder code-server opened. */
  readonly ws: string;
  /** Environment with the session's XDG/TMP folders (for child processes the test starts). */
  readonly env: NodeJS.ProcessEnv;
  /** The document of the most recently opened webview panel (two iframes deep). */
  panel(): FrameLocator;
  close(): Promise<void>;
}

const freePort = (): Promise<number> => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => res(port));
  });
});

/**
 * Starts code-server on a workspace that `prepare(ws, env)` fills first (run folders, configs),
 * opens it in Chromium and waits for the workbench and the VS-ML view. Its log goes to `outDir`.
 */
export async function startCodeServerSession(outDir: string, prepare: (ws: string, env: NodeJS.ProcessEnv) => void | Promise<void>): Promise<CodeServerSession> {
  assert.ok(existsSync(VSIX), `no .vsix at ${VSIX}: run \`npm run package\` first`);
  const codeServer = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'e2e-install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const base = mkdtempSync(join(tmpdir(), 'vsml-webview-e2e-'));
  const d = { user: join(base, 'user'), ext: join(base, 'ext'), ws: join(base, 'ws'), cfg: join(base, 'xdg-config'), data: join(base, 'xdg-data'), cache: join(base, 'xdg-cache'), tmp: join(base, 'tmp') };
  for (const p of Object.values(d)) mkdirSync(p, { recursive: true });
  const env = { ...process.env, XDG_CONFIG_HOME: d.cfg, XDG_DATA_HOME: d.data, XDG_CACHE_HOME: d.cache, TMPDIR: d.tmp };
  mkdirSync(join(d.user, 'User'), { recursive: true });
  writeFileSync(join(d.user, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.tips.enabled': false, 'window.restoreWindows': 'none', 'files.hotExit': 'off' }));
  let server: ReturnType<typeof spawn> | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    try {
      if (server?.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    await prepare(d.ws, env);
    execFileSync(codeServer, ['--user-data-dir', d.user, '--extensions-dir', d.ext, '--install-extension', VSIX], { env, stdio: 'ignore' });
    const port = await freePort();
    const log = openSync(join(outDir, 'code-server.log'), 'w');
    server = spawn(codeServer, ['--user-data-dir', d.user, '--extensions-dir', d.ext, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', d.ws],
    { env, detached: true, stdio: ['ignore', log, log] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        if (i > 120) throw new Error('code-server did not start within 60 s');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const wb = new Workbench(page);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(d.ws)}`);
    await wb.waitLoaded();
    await wb.openViewContainer('VS-ML');
    return { page, wb, ws: d.ws, env, panel: () => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame'), close };
  } catch (e) {
    await close();
    throw e;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined), or fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/** The document of the webview panel whose document has `selector`, among the open ones. */
export async function panelWith(page: import('playwright-core').Page, selector: string, timeoutMs = 30_000): Promise<FrameLocator> {
  return waitFor(`a webview with ${selector}`, async () => {
    const n = await page.locator('iframe.webview').count();
    for (let i = n - 1; i >= 0; i--) {
      const f = page.frameLocator('iframe.webview').nth(i).frameLocator('iframe#active-frame');
      if ((await f.locator(selector).count()) > 0) return f;
    }
    return undefined;
  }, timeoutMs);
}

/** Ends the process group of a detached child the test started (a CLI run), if it still runs. */
export function endGroup(child: ChildProcess | undefined): void {
  if (!child || child.exitCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
