/**
 * The variable-sharing graph in headless Chromium: a recorded snapshot replayed, then the pixels
 * read back. Each cell of the grid view must have exactly the color its state implies (same color
 * map, same scale), at every scrubbed step and for any chosen channel; the matrix view colors the
 * diagonal blocks by the V_M set of their layer; bad snapshots are rejected and logged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, PanelPage, openPanel, startHarness } from './harness';
import { fixtureRun, graphSnapshotMessage, metricsRunData } from './fixture-runs';
import { channelScale, decodeSnapshot, cellVector, Decoded, StateKind } from '../../webview/graph/frames';
import { divergingLut, lutIndex, setColor, shade } from '../../webview/shared/colormap';
import { MATRIX_SHADE } from '../../webview/graph/render-matrix';
import type { GridLayout } from '../../webview/graph/grid-layout';
import { neuralGeometry } from '../../webview/graph/render-neural';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const pixel = (p: PanelPage, x: number, y: number): Promise<number[]> =>
  p.page.evaluate(([px, py]) => {
    const c = document.getElementById('graph-canvas') as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(Math.floor(px), Math.floor(py), 1, 1).data);
  }, [x, y]);

const layoutOf = (p: PanelPage): Promise<GridLayout> =>
  p.page.evaluate(() => (window as unknown as { vsmlGraphDebug: { gridLayout(): GridLayout } }).vsmlGraphDebug.gridLayout());

async function selectValue(p: PanelPage, id: string, value: string): Promise<void> {
  await p.page.evaluate(([sel, v]) => {
    const e = document.getElementById(sel) as HTMLElement & { value: string };
    e.value = v;
    e.dispatchEvent(new Event('change'));
  }, [id, value]);
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Every cell (or a strided sample for large layers) matches the color map of its state. */
async function checkCells(p: PanelPage, d: Decoded, frame: number, kind: StateKind, k: number, theme: 'light' | 'dark' | 'hc'): Promise<number> {
  const layout = await layoutOf(p);
  const lut = divergingLut(theme === 'hc' ? 'high-contrast' : theme);
  const scale = channelScale(d, kind, k);
  const wanted: { x: number; y: number; rgb: number[]; where: string }[] = [];
  for (const bl of layout.blocks) {
    for (let a = 0; a < bl.A; a++) {
      for (let b = 0; b < bl.B; b++) {
        const v = cellVector(d, frame, kind, bl.layer, a, b)[k];
        const li = lutIndex(v, scale) * 4;
        wanted.push({ x: bl.x + (a + 0.5) * bl.cw, y: bl.y + (b + 0.5) * bl.ch, rgb: [lut[li], lut[li + 1], lut[li + 2]], where: `layer ${bl.layer} (${a},${b}) ${kind}[${k}]=${v}` });
      }
    }
  }
  const got = await p.page.evaluate((pts) => {
    const c = document.getElementById('graph-canvas') as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const img = ctx.getImageData(0, 0, c.width, c.height);
    return pts.map(({ x, y }) => {
      const o = (Math.floor(y) * img.width + Math.floor(x)) * 4;
      return [img.data[o], img.data[o + 1], img.data[o + 2]];
    });
  }, wanted.map(({ x, y }) => ({ x, y })));
  wanted.forEach((w, i) => assert.deepEqual(got[i], w.rgb, w.where));
  // The cells are not all one color: the check would be vacuous on a blank state.
  assert.ok(new Set(got.map((g) => g.join(','))).size > 5, 'cells show varied colors');
  return wanted.length;
}

test('graph grid view: every cell has the color its state implies, across steps and channels', async () => {
  const msg = await graphSnapshotMessage('deep-layerwise');
  const d = decodeSnapshot(msg.snapshot!);
  const p = await openPanel(h, 'graph', 'dark');
  await selectValue(p, 'view-select', 'grid');
  await p.send(msg);
  const last = d.frames.length - 1;
  const n = await checkCells(p, d, last, 'h', 0, 'dark');
  assert.equal(n, 16 * 6 + 6 * 10);
  // Scrub to the first recorded step.
  await p.page.evaluate(() => {
    const s = document.getElementById('frame-slider') as HTMLInputElement;
    s.value = '0';
    s.dispatchEvent(new Event('input'));
  });
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await checkCells(p, d, 0, 'h', 0, 'dark');
  // c, channel 3 (a randomly initialised channel), at a middle step.
  await p.page.evaluate(() => {
    const s = document.getElementById('frame-slider') as HTMLInputElement;
    s.value = '5';
    s.dispatchEvent(new Event('input'));
  });
  await selectValue(p, 'kind-select', 'c');
  await selectValue(p, 'channel-select', '3');
  await checkCells(p, d, 5, 'c', 3, 'dark');
  assert.deepEqual(await p.savedState(), { runId: msg.summary.runId, view: 'grid', kind: 'c', k: 3, frame: 5, selected: null });
  // Hover shows the cell's state vectors; click opens its history.
  const layout = await layoutOf(p);
  const bl = layout.blocks[1];
  const box = (await p.page.locator('#graph-canvas').boundingBox())!;
  await p.page.mouse.move(box.x + bl.x + 2.5 * bl.cw, box.y + bl.y + 7.5 * bl.ch);
  const tip = await p.page.locator('#tooltip').textContent();
  const hv = cellVector(d, 5, 'h', 1, 2, 7);
  assert.match(tip ?? '', /layer 1, sub-RNN \(a=2, b=7\)/);
  assert.ok((tip ?? '').includes(`h: ${Array.from(hv, (x) => x.toFixed(3)).join(' ')}`), tip ?? '');
  await p.page.mouse.click(box.x + bl.x + 2.5 * bl.cw, box.y + bl.y + 7.5 * bl.ch);
  assert.match((await p.page.locator('#history-title').textContent()) ?? '', /layer 1, sub-RNN \(a=2, b=7\)/);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
});

test('graph panel: a live state snapshot redraws the cells; a restored state brings back view, channel and step', async () => {
  const msg = await graphSnapshotMessage('pooled-mnist');
  const restored = { runId: msg.summary.runId, view: 'grid', kind: 'c', k: 2, frame: 4, selected: null };
  const p = await openPanel(h, 'graph', 'light', undefined, restored);
  await p.send(msg);
  const d = decodeSnapshot(msg.snapshot!);
  assert.equal(await p.page.evaluate(() => (document.getElementById('kind-select') as HTMLElement & { value: string }).value), 'c');
  assert.equal(await p.page.evaluate(() => (document.getElementById('frame-slider') as HTMLInputElement).value), '4');
  await checkCells(p, d, 4, 'c', 2, 'light');
  // The trainer's next snapshot (here: the frames in reverse order, as a different episode would be).
  const next = { ...msg.snapshot!, step: msg.snapshot!.step + 10, frames: [...msg.snapshot!.frames].reverse() };
  await p.send({ type: 'state/snapshot', runId: msg.summary.runId, snapshot: next });
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await checkCells(p, decodeSnapshot(next), 4, 'c', 2, 'light');
  assert.match((await p.page.locator('#status').textContent()) ?? '', new RegExp(`meta-step ${next.step}`));
  // A snapshot of another run is not drawn here.
  await p.send({ type: 'state/snapshot', runId: 'someone-else', snapshot: msg.snapshot });
  assert.match(String((await p.posts()).filter((m) => m.type === 'log').pop()?.message), /ignored a snapshot of someone-else/);
  await p.page.close();
});

test('graph neural view: hovering a connection shows the state of its sub-RNN', async () => {
  const msg = await graphSnapshotMessage('deep-layerwise');
  const d = decodeSnapshot(msg.snapshot!);
  const p = await openPanel(h, 'graph', 'dark');
  await selectValue(p, 'view-select', 'neural');
  await p.send(msg);
  const size = await p.page.evaluate(() => (window as unknown as { vsmlGraphDebug: { neuralSize(): { width: number; height: number } } }).vsmlGraphDebug.neuralSize());
  const g = neuralGeometry(d.layerSizes, size.width, size.height);
  // A point on some line of layer 1 where no other line of that layer passes within 6 px.
  const lineY = (a: number, b: number, u: number): number => g.y(1, a) + (g.y(2, b) - g.y(1, a)) * u;
  let spot: { a: number; b: number; u: number } | undefined;
  for (let a = 0; a < 6 && !spot; a++) {
    for (let b = 0; b < 10 && !spot; b++) {
      for (let u = 0.1; u < 0.9 && !spot; u += 0.05) {
        let clear = true;
        for (let a2 = 0; a2 < 6; a2++) for (let b2 = 0; b2 < 10; b2++) if ((a2 !== a || b2 !== b) && Math.abs(lineY(a2, b2, u) - lineY(a, b, u)) < 6) clear = false;
        if (clear) spot = { a, b, u };
      }
    }
  }
  assert.ok(spot, 'a clear spot on some line');
  const box = (await p.page.locator('#graph-canvas').boundingBox())!;
  await p.page.mouse.move(box.x + g.xs[1] + (g.xs[2] - g.xs[1]) * spot.u, box.y + lineY(spot.a, spot.b, spot.u));
  const tip = (await p.page.locator('#tooltip').textContent()) ?? '';
  assert.match(tip, new RegExp(`layer 1: connection a=${spot.a} → b=${spot.b}`));
  const hv = cellVector(d, d.frames.length - 1, 'h', 1, spot.a, spot.b);
  assert.ok(tip.includes(`h: ${Array.from(hv, (x) => x.toFixed(3)).join(' ')}`), tip);
  await p.page.close();
});

test('graph matrix view colors each diagonal block by the V_M set its layer reuses', async () => {
  const msg = await graphSnapshotMessage('deep-layerwise');
  assert.deepEqual(msg.sharing.layerParamIndex, [0, 1], 'the fixture is layerwise');
  const p = await openPanel(h, 'graph', 'light');
  await selectValue(p, 'view-select', 'matrix');
  await p.send(msg);
  const info = await p.page.evaluate(() => (window as unknown as { vsmlGraphDebug: { matrixInfo(): { size: number; total: number; side: number } } }).vsmlGraphDebug.matrixInfo());
  assert.equal(info.total, 16 * 6 + 6 * 10);
  const px = info.side / info.size;
  // A diagonal pixel inside layer 0's cells and one inside layer 1's (cells 0..95, 96..155).
  const at = (cell: number): Promise<number[]> => pixel(p, (cell + 0.5) * px, 20 + (cell + 0.5) * px);
  assert.deepEqual((await at(10)).slice(0, 3), shade(setColor(0), MATRIX_SHADE.self));
  assert.deepEqual((await at(120)).slice(0, 3), shade(setColor(1), MATRIX_SHADE.self));
  // Cell (a=0, b=2) of layer 0 (index 2) sends its forward message to cells (2, c) of layer 1 (index 96 + 2*10 + c).
  assert.deepEqual((await pixel(p, (2 + 0.5) * px, 20 + (96 + 20 + 4 + 0.5) * px)).slice(0, 3), shade(setColor(0), MATRIX_SHADE.forward));
  assert.deepEqual(await p.cspViolations(), []);
  await p.page.close();
});

test('graph panel rejects a snapshot whose states do not fit its layer sizes, and logs it', async () => {
  const msg = await graphSnapshotMessage('pooled-mnist');
  const p = await openPanel(h, 'graph', 'dark');
  await p.send(msg);
  const bad = structuredClone(msg) as unknown as { snapshot: { frames: { layers: { h: string }[] }[] } };
  bad.snapshot.frames[0].layers[0].h = bad.snapshot.frames[0].layers[0].h.slice(8);
  await p.send(bad);
  await p.send({ type: 'state/snapshot', runId: msg.summary.runId, snapshot: { ...msg.snapshot, layerSizes: [16, 'ten'] } });
  const logs = (await p.posts()).filter((m) => m.type === 'log');
  assert.equal(logs.length, 2);
  assert.match(String(logs[0].message), /frames\[0\]\.layers\[0\]\.h/);
  assert.match(String(logs[1].message), /layerSizes\[1\]/);
  await p.page.close();
});

test('graph in high contrast: the color map centers on black, cells still match their states', async () => {
  const msg = await graphSnapshotMessage('deep-layerwise');
  const p = await openPanel(h, 'graph', 'hc', { width: 1100, height: 900 });
  await selectValue(p, 'view-select', 'grid');
  await p.send(msg);
  await checkCells(p, decodeSnapshot(msg.snapshot!), decodeSnapshot(msg.snapshot!).frames.length - 1, 'h', 0, 'hc');
  await p.screenshot('graph-grid-hc');
  await p.page.close();
  const m = await openPanel(h, 'metrics', 'hc', { width: 1280, height: 1000 });
  const run = await fixtureRun('pooled-mnist');
  await m.send({ type: 'metrics/snapshot', available: [metricsRunData(run).summary], runs: [metricsRunData(run)] });
  await m.screenshot('metrics-hc');
  await m.page.close();
});

test('graph screenshots: three views in light and dark', async () => {
  const deep = await graphSnapshotMessage('deep-layerwise');
  for (const theme of ['light', 'dark'] as const) {
    for (const view of ['matrix', 'grid', 'neural']) {
      const p = await openPanel(h, 'graph', theme, { width: 1100, height: 900 });
      await selectValue(p, 'view-select', view);
      await p.send(deep);
      if (view === 'grid') {
        const layout = await layoutOf(p);
        const bl = layout.blocks[0];
        const box = (await p.page.locator('#graph-canvas').boundingBox())!;
        await p.page.mouse.click(box.x + bl.x + 3.5 * bl.cw, box.y + bl.y + 2.5 * bl.ch);
        await p.page.mouse.move(box.x + bl.x + 5.5 * bl.cw, box.y + bl.y + 1.5 * bl.ch);
      }
      await p.screenshot(`graph-${view}-${theme}`);
      assert.deepEqual(p.consoleErrors, []);
      await p.page.close();
    }
  }
});

test('graph panel shows a cloned learning algorithm as what it is: the weight channel of every cell as the weight matrix', async () => {
  const base = await graphSnapshotMessage('deep-layerwise');
  const msg = { ...base, snapshot: { ...base.snapshot!, weightChannel: 1 } };
  const p = await openPanel(h, 'graph', 'dark', { width: 1100, height: 900 });
  await p.send(msg);
  const shown = await p.page.evaluate(() => ({
    kind: (document.getElementById('kind-select') as HTMLElement & { value: string }).value,
    channel: (document.getElementById('channel-select') as HTMLElement & { value: string }).value,
    view: (document.getElementById('view-select') as HTMLElement & { value: string }).value,
    labels: [...document.querySelectorAll('#channel-select vscode-option')].map((o) => o.textContent),
    legend: document.getElementById('legend')!.textContent,
    status: document.getElementById('status')!.textContent,
    title: document.querySelector('h1')!.textContent,
  }));
  assert.deepEqual([shown.view, shown.kind, shown.channel], ['grid', 'c', '1']);
  assert.equal(shown.labels[1], '1 (weight channel)');
  assert.equal(shown.labels[0], '0');
  assert.match(shown.legend ?? '', /weight = c\[1\]/);
  assert.match(shown.status ?? '', /c\[1\] of each cell is its weight/);
  assert.match(shown.title ?? '', /cloned learning algorithm/);
  const d = decodeSnapshot(msg.snapshot);
  await checkCells(p, d, d.frames.length - 1, 'c', 1, 'dark');
  // The user's own choice is kept when the same run's next snapshot arrives.
  await selectValue(p, 'kind-select', 'h');
  await p.send({ type: 'state/snapshot', runId: msg.summary.runId, snapshot: msg.snapshot });
  assert.equal(await p.page.evaluate(() => (document.getElementById('kind-select') as HTMLElement & { value: string }).value), 'h');
  await p.page.close();
});
