/**
 * The cluster status-bar item in the real VS Code workbench (code-server + Debian Chromium): `npm run
 * test:webview:cluster` (after `npm run package`). A redis-server on loopback and one `vsml worker`;
 * the workspace sets `vsml.cluster`. As a user: the status bar shows 1 worker and the queue, the
 * tooltip the worker; then Redis goes away and the item says the cluster is unreachable.
 * Screenshots: test-results/cluster-status-e2e/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServerSession } from './code-server-session';
import { REPO_ROOT } from '../helpers/paths';
import { TestRedis } from '../helpers/redis-server';

const OUT = join(REPO_ROOT, 'test-results', 'cluster-status-e2e');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const t0 = Date.now();
const step = (m: string): void => console.log(`[cluster-status-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const redis = await TestRedis.start();
  const worker = spawn(process.execPath, [CLI, 'worker', '--cluster', redis.url, '--threads', '1'], { stdio: 'ignore' });
  try {
    const session = await startCodeServerSession(OUT, (ws) => {
      mkdirSync(join(ws, '.vscode'), { recursive: true });
      writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'vsml.cluster': redis.url }));
    });
    try {
      const { page } = session;
      step('workbench up');
      const item = page.locator('.statusbar-item', { hasText: 'VS-ML cluster' });
      await item.filter({ hasText: '1 worker · 0 queued' }).waitFor({ timeout: 40_000 });
      step(`status bar: ${(await item.innerText()).trim()}`);
      await page.screenshot({ path: join(OUT, '1-status-bar.png') });
      await item.hover();
      const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'pairs/s' }).or(page.locator('.monaco-hover, .workbench-hover', { hasText: 'no recent jobs' }));
      await hover.first().waitFor({ timeout: 10_000 });
      step(`tooltip: ${(await hover.first().innerText()).replace(/\n+/g, ' | ')}`);
      await page.screenshot({ path: join(OUT, '2-tooltip.png') });
      await page.mouse.move(700, 400);
      await redis.stop();
      step('redis stopped');
      await item.filter({ hasText: 'unreachable' }).waitFor({ timeout: 40_000 });
      step(`status bar: ${(await item.innerText()).trim()}`);
      await item.hover();
      await page.locator('.monaco-hover, .workbench-hover', { hasText: 'cannot reach Redis' }).first().waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(OUT, '3-unreachable.png') });
      step('ok');
    } finally {
      await session.close();
    }
  } finally {
    worker.kill('SIGKILL');
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
