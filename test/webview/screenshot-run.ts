/**
 * Screenshots the metrics panel on a real run folder, as the extension would show it, through the
 * webview harness (the panel's own HTML and CSP in headless Chromium). For README figures:
 *
 *   node --import tsx test/webview/screenshot-run.ts <run-dir> <out.png> [inner-curve series, e.g. "mnist T=500"] [light|dark] [smoothing 1|5|11|25]
 */
import { basename, resolve } from 'node:path';
import { openPanel, startHarness } from './harness';
import { metricsRunData } from './fixture-runs';
import { readRunData } from '../../src/extension/panels/run-data';

async function main(): Promise<void> {
  const [dir, out, series, theme = 'light', smoothing = '1'] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: screenshot-run.ts <run-dir> <out.png> [series] [light|dark]');
  const data = await readRunData(resolve(dir), basename(resolve(dir)));
  if (data.problems.length) throw new Error(`${dir}: ${data.problems.join('; ')}`);
  const h = await startHarness();
  try {
    const p = await openPanel(h, 'metrics', theme === 'dark' ? 'dark' : 'light', { width: 1280, height: 1000 });
    const run = metricsRunData(data);
    await p.send({ type: 'metrics/snapshot', available: [run.summary], runs: [run] });
    for (const [id, v] of [['curve-dataset-select', series], ['curve-smoothing-select', smoothing]]) {
      if (!v) continue;
      await p.page.evaluate(([i, val]) => {
        const e = document.getElementById(i) as HTMLElement & { value: string };
        e.value = val;
        e.dispatchEvent(new Event('change'));
      }, [id, v]);
      await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
    }
    await p.page.screenshot({ path: resolve(out), fullPage: true });
    if (p.consoleErrors.length) console.error(p.consoleErrors.join('\n'));
    console.log(resolve(out));
  } finally {
    await h.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
