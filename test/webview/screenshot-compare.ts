/**
 * Screenshots the metrics panel's compare heat map on a real `vsml compare` output folder, as the
 * extension shows it (the host's reader, the panel's own HTML and CSP in headless Chromium). For
 * the README figure:
 *
 *   node --import tsx test/webview/screenshot-compare.ts <compare-dir> <out.png> [light|dark|hc]
 */
import { resolve } from 'node:path';
import { openPanel, startHarness, Theme } from './harness';
import { compareTableView } from '../../src/extension/panels/compare-table-view';

async function main(): Promise<void> {
  const [dir, out, theme = 'dark'] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: screenshot-compare.ts <compare-dir> <out.png> [light|dark|hc]');
  const view = compareTableView(resolve(dir));
  if (view.problem) throw new Error(view.problem);
  const h = await startHarness();
  try {
    const p = await openPanel(h, 'metrics', (['light', 'dark', 'hc'].includes(theme) ? theme : 'dark') as Theme, { width: 1100, height: 700 });
    await p.send({ type: 'metrics/snapshot', available: [], runs: [], compare: view });
    await p.page.locator('#compare-card').screenshot({ path: resolve(out) });
    if (p.consoleErrors.length) throw new Error(p.consoleErrors.join('\n'));
  } finally {
    await h.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
