/**
 * The three panels in the real VS Code workbench (code-server + Debian Chromium), on the recorded
 * runs of test/fixtures/runs: `npm run test:webview:e2e` (after `npm run package`). Reuses the
 * extension's e2e install (scripts/e2e-install.sh) and its Workbench page object; screenshots go to
 * test-results/webview-e2e/. Checks: the graph panel shows the run's layers and draws cells, the
 * metrics panel charts the newest run, and a form edit in the config editor lands in the text
 * (comment kept) and on disk after a save.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { Workbench } from '../e2e/pages/workbench';
import { CHROMIUM_FLAGS } from './harness';
import { REPO_ROOT } from '../helpers/paths';

const OUT = join(REPO_ROOT, 'test-results', 'webview-e2e');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const VSIX = process.env.VSML_E2E_VSIX ?? join(REPO_ROOT, 'dist-vsix', `${pkg.name}-${pkg.version}.vsix`);
const t0 = Date.now();
const step = (m: string): void => console.log(`[webview-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

const freePort = (): Promise<number> => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => res(port));
  });
});

async function main(): Promise<void> {
  assert.ok(existsSync(VSIX), `no .vsix at ${VSIX}: run \`npm run package\` first`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const codeServer = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'e2e-install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  const base = mkdtempSync(join(tmpdir(), 'vsml-webview-e2e-'));
  const d = { user: join(base, 'user'), ext: join(base, 'ext'), ws: join(base, 'ws'), cfg: join(base, 'xdg-config'), data: join(base, 'xdg-data'), cache: join(base, 'xdg-cache'), tmp: join(base, 'tmp') };
  for (const p of Object.values(d)) mkdirSync(p, { recursive: true });
  const env = { ...process.env, XDG_CONFIG_HOME: d.cfg, XDG_DATA_HOME: d.data, XDG_CACHE_HOME: d.cache, TMPDIR: d.tmp };
  mkdirSync(join(d.user, 'User'), { recursive: true });
  writeFileSync(join(d.user, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'workbench.tips.enabled': false, 'window.restoreWindows': 'none', 'files.hotExit': 'off' }));
  cpSync(join(REPO_ROOT, 'test/fixtures/runs'), join(d.ws, '.vsml', 'runs'), { recursive: true });
  const configFile = join(d.ws, 'small.vsml.json');
  writeFileSync(configFile, '{\n  // edited through the form\n  "name": "small",\n  "training": { "iterations": 200, "episode_length": 50 }\n}\n');
  execFileSync(codeServer, ['--user-data-dir', d.user, '--extensions-dir', d.ext, '--install-extension', VSIX], { env, stdio: 'ignore' });
  const port = await freePort();
  const log = openSync(join(OUT, 'code-server.log'), 'w');
  const server = spawn(codeServer, ['--user-data-dir', d.user, '--extensions-dir', d.ext, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', d.ws],
  { env, detached: true, stdio: ['ignore', log, log] });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  try {
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
    step('workbench loaded');
    // The panel's document sits two iframes deep (docs: ../shared/notes/vscode-e2e.md).
    const panel = () => page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');

    await wb.runCommand('VS-ML: Open Network Graph');
    await panel().locator('#status', { hasText: 'layers 16 → 6 → 10' }).waitFor({ timeout: 30_000 });
    const painted = await panel().locator('#graph-canvas').evaluate((c) => {
      const cv = c as HTMLCanvasElement;
      const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const colors = new Set<number>();
      for (let i = 0; i < px.length; i += 4 * 97) if (px[i + 3] > 0) colors.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      return colors.size;
    });
    assert.ok(painted > 20, `the graph canvas shows cells (${painted} colors sampled)`);
    step(`graph panel: the newest run's 16 → 6 → 10 network drawn (${painted} colors sampled)`);
    await page.screenshot({ path: join(OUT, '1-graph.png') });
    await wb.runCommand('View: Close All Editors');

    await wb.runCommand('VS-ML: Open Metrics');
    await panel().locator('#status', { hasText: 'runs shown' }).waitFor({ timeout: 30_000 });
    await panel().locator('#run-list vscode-checkbox').nth(1).waitFor({ timeout: 10_000 });
    step(`metrics panel: ${await panel().locator('#status').textContent()}`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT, '2-metrics.png') });
    await wb.runCommand('View: Close All Editors');

    await wb.openFile('small.vsml.json');
    await wb.runCommand('VS-ML: Open Config Editor');
    const iterations = panel().locator('#field-training\\.iterations');
    await iterations.waitFor({ timeout: 30_000 });
    assert.equal(await iterations.evaluate((e) => (e as HTMLElement & { value: string }).value), '200');
    await iterations.evaluate((e) => {
      (e as HTMLElement & { value: string }).value = '321';
      e.dispatchEvent(new Event('change'));
    });
    await page.locator('.tabs-container .tab.dirty').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+s');
    for (let i = 0; i < 40 && !readFileSync(configFile, 'utf8').includes('321'); i++) await new Promise((r) => setTimeout(r, 250));
    const text = readFileSync(configFile, 'utf8');
    assert.equal(text, '{\n  // edited through the form\n  "name": "small",\n  "training": { "iterations": 321, "episode_length": 50 }\n}\n');
    step('config editor: the form edit changed one number in the text, comment kept, saved to disk');
    await page.screenshot({ path: join(OUT, '3-config-editor.png') });
    step('PASS');
  } finally {
    await browser.close();
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
