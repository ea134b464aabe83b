/**
 * The metrics panel's compare heat map in headless Chromium, on a table.csv written by the real
 * `vsml compare` (dist/cli.js) on a tiny suite and read by the host's own reader: every cell's
 * number, colour (per column scale, the theme's) and hover text; the table growing while the
 * comparison writes it; a folder without table.csv and a malformed table shown as a problem naming
 * the file, line and field; Open and Close posting to the host; screenshots in dark, light and
 * high contrast.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness, openPanel, PanelPage, startHarness, Theme } from './harness';
import { REPO_ROOT } from '../helpers/paths';
import { tinyCompareSuite } from '../helpers/tiny-compare-suite';
import { compareTableView } from '../../src/extension/panels/compare-table-view';
import { formatTableCsv, type TableRow } from '../../src/engine/compare/compare-table';
import type { CompareTableView } from '../../src/protocol/compare-table';
import { cellText, contrastRatio, heatColor, heatmapOf, scalePosition } from '../../webview/metrics/compare-heatmap';
import type { Rgb } from '../../webview/shared/colormap';
import type { ThemeKind } from '../../webview/shared/theme';

const TINY_SUITE = tinyCompareSuite();

let h: Harness;
let dir: string;
let out: string;
before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'vsml-compare-panel-'));
  out = join(dir, 'out');
  writeFileSync(join(dir, 'tiny.suite.json'), JSON.stringify(TINY_SUITE));
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'compare', join(dir, 'tiny.suite.json'), '--out', out, '--path', 'reference'], {
    cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  assert.equal(r.status, 0, `vsml compare failed:\n${r.stdout}\n${r.stderr}`);
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const snapshot = (compare?: CompareTableView) => ({ type: 'metrics/snapshot', available: [], runs: [], ...(compare ? { compare } : {}) });
const parseRgb = (css: string): Rgb => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number) as Rgb;
const KIND: Record<Theme, ThemeKind> = { light: 'light', dark: 'dark', hc: 'high-contrast' };

interface ShownCell { method: string; metaTrain: string; dataset: string; text: string; title: string; bg: string; fg: string; bold: boolean }
const shownCells = (p: PanelPage): Promise<ShownCell[]> => p.page.$$eval('#compare-table td.heat[data-dataset]', (tds) => tds.map((td) => {
  const s = getComputedStyle(td);
  const e = td as HTMLElement;
  return { method: e.dataset.method!, metaTrain: e.dataset.metaTrain!, dataset: e.dataset.dataset!, text: e.textContent ?? '', title: e.title, bg: s.backgroundColor, fg: s.color, bold: Number(s.fontWeight) >= 700 };
}));

for (const theme of ['dark', 'light', 'hc'] as Theme[]) {
  test(`compare heat map (${theme}): every cell of the table vsml compare wrote, its number, colour and hover`, async () => {
    const view = compareTableView(out);
    assert.equal(view.problem, undefined);
    assert.equal(view.rows.length, 8, 'vsml, metarnn (meta-trained on mnist), sgd, adam x mnist, sum');
    const p = await openPanel(h, 'metrics', theme, { width: 1000, height: 700 });
    await p.send(snapshot(view));
    assert.equal(await p.page.isVisible('#compare-card'), true);
    assert.deepEqual(await p.page.$$eval('#compare-table thead tr:first-child th', (ths) => ths.map((t) => t.textContent)), ['method', 'meta-trained on', 'mnist', 'sum']);
    assert.deepEqual(await p.page.$$eval('#compare-table tbody th', (ths) => ths.map((t) => t.textContent)), ['vsml', 'metarnn', 'sgd', 'adam']);
    const map = heatmapOf(view.rows);
    const cells = await shownCells(p);
    assert.equal(cells.length, 8);
    for (const c of cells) {
      const row = view.rows.find((r) => r.method === c.method && r.metaTrain === c.metaTrain && r.dataset === c.dataset)!;
      const column = map.columns.find((col) => col.dataset === c.dataset)!;
      const below = row.meanAccuracy < view.chance![row.dataset];
      assert.equal(c.text, `${below ? '▾ ' : ''}${cellText(row)} (2)`, `${c.method} ${c.dataset}: ▾ marks below chance`);
      assert.deepEqual(parseRgb(c.bg), heatColor(scalePosition(row.meanAccuracy, column), KIND[theme]), `${c.method} ${c.dataset}: its column's scale`);
      assert.ok(contrastRatio(parseRgb(c.fg), parseRgb(c.bg)) >= 4.5, `${c.method} ${c.dataset}: the number reads (${c.fg} on ${c.bg})`);
      assert.ok(c.title.includes(`mean online accuracy ${row.meanAccuracy} `) && c.title.includes(`std over seeds ${row.std} `) && c.title.includes('seeds 2'), c.title);
      assert.equal(c.bold, row.meanAccuracy === column.max && column.max > column.min, `${c.method} ${c.dataset}: bold only as its column's best`);
    }
    assert.match(await p.page.textContent('#compare-source') ?? '', new RegExp(`${out.replace(/[/.]/g, '\\$&')}/table\\.csv, written `));
    assert.match(await p.page.textContent('#compare-legend') ?? '', /Colour per column \(meta-test dataset\).*▾ below chance/);
    assert.deepEqual(view.chance, { mnist: 0.1, sum: 0.5 }, 'vsml compare recorded the classes: 10 digits, 2 for sum');
    assert.deepEqual(await p.page.$$eval('#compare-chance th', (ths) => ths.map((t) => t.textContent)), ['chance (%)', '10.0', '50.0']);
    assert.equal(((await p.savedState()) as { compareFolder: string }).compareFolder, out, 'kept for the host to reopen after a reload');
    await p.screenshot(`compare-heatmap-${theme}`);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.consoleErrors, []);
    await p.page.close();
  });
}

test('compare heat map follows the folder: a partial table, a row more, a missing and a malformed table.csv, close and open', async () => {
  const full = compareTableView(out);
  const partial = { ...full, rows: full.rows.filter((r) => r.method === 'vsml') };
  const p = await openPanel(h, 'metrics', 'dark');
  await p.send(snapshot());
  assert.equal(await p.page.isVisible('#compare-card'), false, 'no folder open: no card');
  await p.send({ type: 'compare/table', compare: partial });
  assert.equal((await shownCells(p)).length, 2);
  await p.send({ type: 'compare/table', compare: full });
  assert.equal((await shownCells(p)).length, 8, 'table.csv written again after more cells finished');

  // A cell not in the table yet shows as empty.
  await p.send({ type: 'compare/table', compare: { ...full, rows: full.rows.filter((r) => !(r.method === 'adam' && r.dataset === 'sum')) } });
  assert.equal(await p.page.textContent('#compare-table tbody tr:last-child td:last-child'), '—');

  // No table.csv yet (vsml compare just started), then a malformed one: the file, line and field.
  const empty = mkdtempSync(join(dir, 'empty-'));
  await p.send({ type: 'compare/table', compare: compareTableView(empty) });
  assert.match(await p.page.textContent('#compare-problem') ?? '', new RegExp(`${empty.replace(/[/.]/g, '\\$&')}/table\\.csv: does not exist \\(yet\\)`));
  assert.equal(await p.page.$('#compare-table'), null);
  writeFileSync(join(empty, 'table.csv'), `${formatTableCsv(full.rows.slice(0, 2) as TableRow[])}vsml,mnist,fashion_mnist,0.41,,2\n`);
  await p.send({ type: 'compare/table', compare: compareTableView(empty) });
  assert.match(await p.page.textContent('#compare-problem') ?? '', /table\.csv: line 4, std: must be a number >= 0, got "" \(fix: /);
  writeFileSync(join(empty, 'table.csv'), 'method,dataset,accuracy\n');
  await p.send({ type: 'compare/table', compare: compareTableView(empty) });
  assert.match(await p.page.textContent('#compare-problem') ?? '', /table\.csv: line 1, header: must be method,metaTrain,dataset,meanAccuracy,std,seeds/);
  writeFileSync(join(empty, 'table.csv'), 'method,metaTrain,dataset,meanAccuracy,std,seeds\n');
  await p.send({ type: 'compare/table', compare: compareTableView(empty) });
  assert.match(await p.page.textContent('#compare-empty') ?? '', /No cell has finished yet/);

  // A host message that fails its parser is dropped (and logged), the table stays.
  await p.send({ type: 'compare/table', compare: full });
  await p.send({ type: 'compare/table', compare: { ...full, rows: [{ ...full.rows[0], meanAccuracy: 'x' }] } });
  assert.equal((await shownCells(p)).length, 8);
  assert.ok((await p.posts()).some((m) => m.type === 'log' && /compare\/table\.compare\.rows\[0\]\.meanAccuracy/.test(String(m.message))));

  await p.page.click('#compare-close');
  await p.page.click('#compare-open');
  const posted = (await p.posts()).map((m) => m.type).filter((t) => t.startsWith('compare/'));
  assert.deepEqual(posted, ['compare/close', 'compare/open']);
  await p.send({ type: 'compare/table', compare: null });
  assert.equal(await p.page.isVisible('#compare-card'), false);
  assert.equal(((await p.savedState()) as { compareFolder: string }).compareFolder, '');
  assert.deepEqual(p.consoleErrors.filter((e) => !/dropped a host message/.test(e)), []);
  await p.page.close();
});
