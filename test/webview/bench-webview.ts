/**
 * Benchmark (not a test): `npm run bench:webview`.
 *  1. The graph panel on a 784 x 10 network (N=16): states of a real episode computed by the
 *     float64 reference (random V_M from the meta-init, random inputs), sent as one snapshot; then
 *     each view redrawn frame after frame, measured two ways: the synchronous draw time of a frame
 *     (-> frames/s the drawing allows) and the frames actually shown by a requestAnimationFrame loop.
 *  2. The metrics panel with 50,000 meta-steps (a synthetic loss curve: the panel's cost depends on
 *     the point count, not on the values): time to draw the snapshot, to switch the metric, to
 *     append live rows, and the frame rate while rows stream in.
 * Prints a table and, with --json, one JSON object per line.
 */
import { Harness, openPanel, startHarness } from './harness';
import { Rng } from '../../src/engine/random';
import { paramIndices, VsmlModelConfig } from '../../src/engine/model/config';
import { initParams, initialState } from '../../src/engine/model/init';
import { broadcastState } from '../../src/engine/model/episode';
import { recordSnapshot } from '../../src/engine/runs/snapshot';
import type { MetricsRow, EvalRow } from '../../src/protocol/run-records';

const json = process.argv.includes('--json');
const results: Record<string, unknown>[] = [];
const report = (r: Record<string, unknown>): void => {
  results.push(r);
  if (json) console.log(JSON.stringify(r));
};

function graphSnapshot() {
  const cfg: VsmlModelConfig = {
    layerSizes: [784, 10], slowSize: 16, msgSize: 8, numMicroTicks: 2, tanhBound: 100, outputIdx: 1, feedLabel: false,
    layerNorm: false, backwardPass: false, initRandProportion: 0.5, batchSize: 1, ...paramIndices(1, false, false),
  };
  const rng = new Rng(7, 'bench');
  const theta = initParams(cfg, rng);
  const T = 8;
  const inputs = new Float64Array(T * 784); // [T, 1, 784]
  rng.fillNormal(inputs);
  const labels = Int32Array.from({ length: T }, () => rng.int(10));
  const t0 = Date.now();
  const snap = recordSnapshot(cfg, theta, { episode: { length: T, inputs, labels }, state: broadcastState(initialState(cfg, rng), 1) }, 0, 'random-inputs', T);
  console.error(`784 x 10 snapshot: ${snap.frames.length} frames computed by the float64 reference in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return snap;
}

async function benchGraph(h: Harness): Promise<void> {
  const snapshot = graphSnapshot();
  for (const view of ['grid', 'matrix', 'neural']) {
    const p = await openPanel(h, 'graph', 'dark', { width: 1400, height: 1000 });
    await p.page.evaluate((v) => {
      const e = document.getElementById('view-select') as HTMLElement & { value: string };
      e.value = v;
      e.dispatchEvent(new Event('change'));
    }, view);
    const t0 = Date.now();
    await p.send({
      type: 'graph/snapshot',
      summary: { runId: 'bench-784x10', name: 'bench', state: 'running', step: 0, totalSteps: 1 },
      sharing: { layerParamIndex: [0], backwardLayerParamIndex: [0] },
      snapshot,
    });
    const loadMs = Date.now() - t0;
    const r = await p.page.evaluate(async () => {
      const dbg = (window as unknown as { vsmlGraphDebug: { renderFrame(i: number): number; frameCount(): number } }).vsmlGraphDebug;
      const F = dbg.frameCount();
      for (let i = 0; i < 10; i++) dbg.renderFrame(i % F); // warm up
      const times: number[] = [];
      for (let i = 0; i < 200; i++) times.push(dbg.renderFrame(i % F));
      times.sort((a, b) => a - b);
      // Frames actually presented: one new frame per animation frame for 2 s.
      let shown = 0;
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          dbg.renderFrame(shown % F);
          shown++;
          if (performance.now() - start < 2000) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      const secs = (performance.now() - start) / 1000;
      return { median: times[100], p95: times[190], rafFps: shown / secs, F };
    });
    await p.screenshot(`bench-graph-784x10-${view}`);
    report({ bench: 'graph', view, cells: 7840, frames: r.F, loadMs, drawMsMedian: +r.median.toFixed(2), drawMsP95: +r.p95.toFixed(2), drawFps: Math.round(1000 / r.median), rafFps: +r.rafFps.toFixed(1) });
    await p.page.close();
  }
}

function metricsRows(n: number): { metrics: MetricsRow[]; evals: EvalRow[] } {
  const rng = new Rng(3, 'bench-metrics');
  const metrics: MetricsRow[] = [];
  for (let s = 1; s <= n; s++) {
    const loss = 2.3 - 1.2 * (1 - Math.exp(-s / 15000)) + 0.02 * rng.normal();
    metrics.push({ step: s, time: s * 0.6, metaLoss: loss, lossPos: loss + 0.001, lossNeg: loss - 0.001, trainAccuracy: Math.max(0, Math.min(1, 0.1 + 0.4 * (1 - Math.exp(-s / 15000)))), gradNorm: 1, thetaNorm: 3, stepSeconds: 0.6 });
  }
  const evals: EvalRow[] = [];
  const curve = (acc: number): number[] => Array.from({ length: 50 }, (_, t) => acc * (1 - Math.exp(-t / 10)));
  for (let s = 0; s <= n; s += 500) {
    for (const dataset of ['mnist', 'fashion_mnist']) {
      const acc = 0.1 + 0.35 * (1 - Math.exp(-s / 15000));
      const m = (a: number) => ({ meanAccuracy: a, finalAccuracy: a * 1.2, meanLoss: 2, curve: curve(a) });
      evals.push({ step: s, time: s * 0.6, dataset, split: 'test', length: 50, episodes: 16, methods: { learned: m(acc), untrained: m(0.1), sgd: { ...m(0.33), lr: 0.1 }, adam: { ...m(0.31), lr: 0.01 } } });
    }
  }
  return { metrics, evals };
}

async function benchMetrics(h: Harness): Promise<void> {
  const N = 50_000;
  const { metrics, evals } = metricsRows(N);
  const p = await openPanel(h, 'metrics', 'dark', { width: 1400, height: 1000 });
  const summary = { runId: 'bench-50k', name: 'bench', state: 'running' as const, step: N, totalSteps: 100_000 };
  // Hand the message over as a string (playwright's object serializer is slow for 10 MB), then time
  // only what the panel does: receive, parse, draw, until the next frame.
  const text = JSON.stringify({ type: 'metrics/snapshot', available: [summary], runs: [{ summary, config: { name: 'bench' }, metrics, evals, metricsRowCount: metrics.length }] });
  const snapshotMs = await p.page.evaluate(async (t) => {
    const msg = JSON.parse(t) as unknown;
    const start = performance.now();
    window.postMessage(msg, '*');
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return Math.round(performance.now() - start);
  }, text);
  const held = await p.page.evaluate(() => (window as unknown as { vsmlMetricsDebug: { points(): { loss: Record<string, unknown[]> } } }).vsmlMetricsDebug.points().loss['bench-50k metaLoss'].length);
  const t1 = Date.now();
  await p.page.evaluate(() => {
    const e = document.getElementById('metric-select') as HTMLElement & { value: string };
    e.value = 'trainAccuracy';
    e.dispatchEvent(new Event('change'));
  });
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const switchMs = Date.now() - t1;
  // Stream 10 rows per message for 3 s and count the frames the page shows meanwhile.
  const streamed = await p.page.evaluate(async (startStep) => {
    let step = startStep;
    let frames = 0;
    let worst = 0;
    let last = performance.now();
    const start = last;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
        frames++;
        const rows = Array.from({ length: 10 }, () => ({ step: ++step, time: step * 0.6, metaLoss: 1.2, lossPos: 1.2, lossNeg: 1.2, trainAccuracy: 0.5, gradNorm: 1, thetaNorm: 3, stepSeconds: 0.6 }));
        window.postMessage({ type: 'metrics/append', runId: 'bench-50k', rows }, '*');
        if (now - start < 3000) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    return { fps: frames / ((performance.now() - start) / 1000), worstFrameMs: worst, rows: step - startStep };
  }, N);
  report({ bench: 'metrics', points: held, snapshotMs, switchMetricMs: switchMs, streamFps: +streamed.fps.toFixed(1), worstFrameMs: +streamed.worstFrameMs.toFixed(1), rowsStreamed: streamed.rows });
  await p.page.close();
}

async function main(): Promise<void> {
  const h = await startHarness();
  try {
    await benchGraph(h);
    await benchMetrics(h);
  } finally {
    await h.close();
  }
  if (!json) {
    for (const r of results) console.log(Object.entries(r).map(([k, v]) => `${k}=${v}`).join('  '));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
