/**
 * `npm run bench:panel-memory` (issue 8): what opening the metrics panel on a run of 10^6
 * meta-steps costs the extension host. Writes a synthetic run folder (test/helpers/long-run.ts),
 * then, each in a fresh Node process so the figures do not mix:
 *   - stream:  the panel's snapshot path (chart-data.ts: stream metrics.jsonl, min/max downsample,
 *              build the metrics/snapshot message, serialize it as postMessage does);
 *   - whole:   every row held in memory and sent (readRunData, i.e. what a reader that keeps the
 *              whole file must hold; the panel did this before issue 8).
 * Prints time to the first snapshot, peak RSS of the process, the heap growth, and the snapshot's
 * size and row count.
 *
 *   node --import tsx bench/panel-memory.ts [--steps N] [--dir RUNS_DIR] [--json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readChartData } from '../src/extension/panels/chart-data';
import { readRunData } from '../src/extension/panels/run-data';
import { writeLongRun } from '../test/helpers/long-run';

interface Figures {
  mode: string;
  rowsInFile: number;
  rowsSent: number;
  firstSnapshotMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  heapGrowthMiB: number;
  messageMiB: number;
}

const MiB = 1024 * 1024;

async function measure(mode: 'stream' | 'whole', dir: string): Promise<Figures> {
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let rows: unknown[];
  let rowsInFile: number;
  let message: string;
  if (mode === 'stream') {
    const d = await readChartData(dir);
    rows = d.metrics;
    rowsInFile = d.metricsRowCount;
    message = JSON.stringify({ type: 'metrics/snapshot', runs: [{ metrics: d.metrics, evals: d.evals, metricsRowCount: d.metricsRowCount }] });
  } else {
    const d = await readRunData(dir, 'bench');
    rows = d.metrics;
    rowsInFile = d.metrics.length;
    message = JSON.stringify({ type: 'metrics/snapshot', runs: [{ metrics: d.metrics, evals: d.evals, metricsRowCount: d.metrics.length }] });
  }
  const firstSnapshotMs = performance.now() - t0;
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  return {
    mode,
    rowsInFile,
    rowsSent: rows.length,
    firstSnapshotMs: Math.round(firstSnapshotMs),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineRssMiB: Math.round(baselineRss / MiB),
    heapGrowthMiB: Math.round(heapGrowth / MiB),
    messageMiB: Math.round((message.length / MiB) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { steps: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean', default: false }, child: { type: 'string' }, run: { type: 'string' } } });
  if (values.child) {
    const f = await measure(values.child as 'stream' | 'whole', values.run!);
    process.stdout.write(`${JSON.stringify(f)}\n`);
    return;
  }
  const steps = Number(values.steps ?? 1_000_000);
  const runs = values.dir ?? mkdtempSync(join(tmpdir(), 'vsml-bench-panel-'));
  try {
    const t0 = performance.now();
    const run = await writeLongRun(runs, steps);
    const size = statSync(join(run.dir, 'metrics.jsonl')).size;
    console.error(`wrote ${steps.toLocaleString('en-US')} meta-steps (metrics.jsonl ${(size / MiB).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const results: Figures[] = [];
    for (const mode of ['stream', 'whole'] as const) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', mode, '--run', run.dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      results.push(JSON.parse(r.stdout) as Figures);
    }
    if (values.json) for (const r of results) console.log(JSON.stringify(r));
    else {
      console.log('mode    rows in file  rows sent  first snapshot  peak RSS  (node baseline)  heap growth  message');
      for (const r of results) {
        console.log(`${r.mode.padEnd(7)} ${r.rowsInFile.toLocaleString('en-US').padStart(12)} ${r.rowsSent.toLocaleString('en-US').padStart(10)} ${`${r.firstSnapshotMs} ms`.padStart(15)} ${`${r.peakRssMiB} MiB`.padStart(9)} ${`(${r.baselineRssMiB} MiB)`.padStart(16)} ${`${r.heapGrowthMiB} MiB`.padStart(12)} ${`${r.messageMiB} MiB`.padStart(9)}`);
      }
    }
  } finally {
    if (!values.dir) rmSync(runs, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
