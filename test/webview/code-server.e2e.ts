/**
 * The three panels in the real VS Code workbench (code-server + Debian Chromium), on the recorded
 * runs of test/fixtures/runs: `npm run test:webview:e2e` (after `npm run package`). Reuses the
 * extension's e2e install (scripts/e2e-install.sh) and its Workbench page object; screenshots go to
 * test-results/webview-e2e/. Checks: the graph panel shows the run's layers and draws cells, the
 * metrics panel charts the newest run, and a form edit in the config editor lands in the text
 * (comment kept) and on disk after a save.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startCodeServerSession } from './code-server-session';
import { REPO_ROOT } from '../helpers/paths';

const OUT = join(REPO_ROOT, 'test-results', 'webview-e2e');
const t0 = Date.now();
const step = (m: string): void => console.log(`[webview-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  let configFile = '';
  const session = await startCodeServerSession(OUT, (ws) => {
    cpSync(join(REPO_ROOT, 'test/fixtures/runs'), join(ws, '.vsml', 'runs'), { recursive: true });
    configFile = join(ws, 'small.vsml.json');
    writeFileSync(configFile, '{\n  // edited through the form\n  "name": "small",\n  "training": { "iterations": 200, "episode_length": 50 }\n}\n');
  });
  const { page, wb, panel } = session;
  try {
    step('workbench loaded');

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
    await session.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
