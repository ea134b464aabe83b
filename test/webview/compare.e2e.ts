/**
 * The compare heat map in the real VS Code workbench (code-server + Debian Chromium): `npm run
 * test:webview:compare` (after `npm run package`). The setup writes a finished comparison with the
 * real `vsml compare` (a tiny suite, seconds). Then, as a user: VS-ML: Open Compare Results from
 * the command palette picks the folder among the workspace's compare folders and the metrics panel
 * shows its table; table.csv written anew (fewer rows, malformed, whole again) is followed live;
 * a second `vsml compare` started meanwhile is opened from the explorer's context menu on its
 * table.csv and followed until it finishes. Screenshots: test-results/compare-e2e/.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { endGroup, panelWith, sleep, startCodeServerSession, waitFor } from './code-server-session';
import { REPO_ROOT } from '../helpers/paths';
import { tinyCompareSuite } from '../helpers/tiny-compare-suite';

const OUT = join(REPO_ROOT, 'test-results', 'compare-e2e');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const t0 = Date.now();
const step = (m: string): void => console.log(`[compare-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** The tiny suite; `iterations` sets how long a meta-training cell takes. */
const suite = (iterations: number): string => JSON.stringify(tinyCompareSuite(iterations), null, 2);

const cellCount = (panel: FrameLocator): Promise<number> => panel.locator('#compare-table td.heat[data-dataset]').count();
/** Seeds summed over the shown cells: 16 when all 8 cells have both seeds. */
const seedsShown = async (panel: FrameLocator): Promise<number> =>
  (await panel.locator('#compare-table td.heat .seeds').allTextContents()).reduce((a, t) => a + Number(/\d+/.exec(t)?.[0] ?? 0), 0);
const waitCells = (panel: FrameLocator, n: number, timeoutMs = 20_000): Promise<true> =>
  waitFor(`${n} heat map cells`, async () => ((await cellCount(panel)) === n ? true : undefined), timeoutMs);

async function main(): Promise<void> {
  assert.ok(existsSync(CLI), `no ${CLI}: run \`npm run package\` first`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  let live: ChildProcess | undefined;
  let ws = '';
  const session = await startCodeServerSession(OUT, (dir, env) => {
    ws = dir;
    writeFileSync(join(dir, 'tiny.suite.json'), suite(2));
    execFileSync(process.execPath, [CLI, 'compare', 'tiny.suite.json', '--out', 'results/done'], { cwd: dir, env, stdio: 'ignore' });
    step('vsml compare wrote results/done');
  });
  const { page, wb, env } = session;
  try {
    step('workbench loaded');
    const full = readFileSync(join(ws, 'results/done/table.csv'), 'utf8');
    await wb.runCommand('VS-ML: Open Compare Results');
    await wb.pickRow('done');
    const panel = await panelWith(page, '#compare-table');
    await waitCells(panel, 8);
    const heads = await panel.locator('#compare-table thead tr:first-child th').allTextContents();
    assert.deepEqual(heads, ['method', 'meta-trained on', 'mnist', 'sum']);
    assert.deepEqual(await panel.locator('#compare-chance th').allTextContents(), ['chance (%)', '10.0', '50.0']);
    const title = await panel.locator('#compare-table td[data-method="vsml"][data-dataset="sum"]').getAttribute('title');
    const vsmlSum = full.split('\n').find((l) => l.startsWith('vsml,mnist,sum,'))!.split(',');
    assert.ok(title?.includes(`mean online accuracy ${Number(vsmlSum[3])} `) && title.includes(`std over seeds ${Number(vsmlSum[4])} `), `hover: ${title}`);
    step('the command palette opened results/done: 8 cells, the hover has table.csv\'s numbers');
    await sleep(500);
    await page.screenshot({ path: join(OUT, '1-opened.png') });

    // table.csv written again: fewer rows, malformed, whole again; the panel follows each.
    const csv = join(ws, 'results/done/table.csv');
    writeFileSync(csv, `${full.split('\n').slice(0, 3).join('\n')}\n`);
    await waitCells(panel, 2);
    writeFileSync(csv, `${full.trimEnd()}\nadam,-,extra,high,0,2\n`);
    await panel.locator('#compare-problem', { hasText: /table\.csv: line 10, meanAccuracy: must be a number in \[0, 1\], got "high"/ }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(OUT, '2-malformed.png') });
    writeFileSync(csv, full);
    await waitCells(panel, 8);
    step('followed table.csv rewritten: 2 cells, a malformed line 10 named, 8 cells again');

    // A comparison still running: open it from the explorer's context menu on its table.csv and watch it fill.
    writeFileSync(join(ws, 'slow.suite.json'), suite(150));
    live = spawn(process.execPath, [CLI, 'compare', 'slow.suite.json', '--out', 'results/live'], { cwd: ws, env, stdio: 'ignore', detached: true });
    await waitFor('results/live/table.csv', () => (existsSync(join(ws, 'results/live/table.csv')) ? true : undefined), 120_000);
    await wb.runCommand('File: Focus on Files Explorer');
    for (const name of ['results', 'live']) {
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${name}$`) }).first();
      await row.waitFor({ timeout: 20_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^table\.csv$/ }).first();
    await file.waitFor({ timeout: 20_000 });
    await file.click({ button: 'right' });
    // The menu runs an item on mouse-up once it has settled: hover first; a click the opening menu swallowed is redone with Enter on the highlighted item.
    const item = page.locator('.context-view .action-label', { hasText: 'VS-ML: Open Compare Results' }).first();
    await item.hover();
    await sleep(300);
    await item.click();
    await sleep(500);
    if (await page.locator('.context-view .monaco-menu').isVisible()) await page.keyboard.press('Enter');
    const livePanel = await panelWith(page, '#compare-source');
    await livePanel.locator('#compare-source', { hasText: 'results/live/table.csv' }).waitFor({ timeout: 20_000 });
    const first = (await livePanel.locator('#compare-table').count()) ? await seedsShown(livePanel) : 0;
    step(`opened results/live from the explorer while vsml compare runs: ${first} of 16 cell-seeds in the table`);
    await page.screenshot({ path: join(OUT, '3-live.png') });
    const exit = await waitFor('vsml compare to finish', () => (live!.exitCode !== null ? live!.exitCode : undefined), 300_000);
    assert.equal(exit, 0);
    await waitFor('every cell over both seeds', async () => ((await seedsShown(livePanel)) === 16 ? true : undefined), 20_000);
    assert.ok(first < 16, `the panel was opened before the comparison finished (${first} of 16 cell-seeds then)`);
    step(`vsml compare finished; the panel followed it from ${first} to 16 cell-seeds`);
    await sleep(500);
    await page.screenshot({ path: join(OUT, '4-live-done.png') });
    await wb.runCommand('View: Close All Editors');
    step('PASS');
  } catch (e) {
    await page.screenshot({ path: join(OUT, 'failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    endGroup(live);
    await session.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
