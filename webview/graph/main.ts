/**
 * The variable-sharing graph: the run's network in three switchable views, (a) one big RNN with a
 * sparse, shared, block-structured weight matrix, (b) the A x B grid of sub-RNNs colored by a chosen
 * state channel with the message flow, (c) a neural network whose connections are drawn by their
 * state. Scrub or play through the inner steps of the snapshot episode; hover a cell for its state
 * vector, click it for its history. Plain canvas, typed arrays; host messages parsed first.
 */
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '../shared/panel.css';
import './graph.css';
import { GraphToHostMessage, HostToGraphMessage, ParamSharing, parseHostToGraphMessage } from '../../src/protocol/graph-panel';
import type { RunSummary } from '../../src/protocol/panel-fields';
import type { StateSnapshot } from '../../src/protocol/run-records';
import { Rgb, divergingLut, midColor, rgbCss, setColor, shade } from '../shared/colormap';
import { ce, el } from '../shared/dom';
import { cssVar, onThemeChange, themeKind } from '../shared/theme';
import { onHostMessage, panelApi } from '../shared/vscode-api';
import { Decoded, StateKind, cellVector, channelScale, decodeSnapshot } from './frames';
import { GridLayout, cellAt, gridLayout } from './grid-layout';
import { paintHistory } from './history';
import { cellIndex, cellOf, relation } from './matrix-structure';
import { MATRIX_SHADE, MatrixImage, buildMatrixImage, lossColor, paintStateStrip } from './render-matrix';
import { NeuralGeometry, nearestConnection, neuralGeometry, paintNeural } from './render-neural';
import { paintGrid, paintGridFrame } from './render-grid';
import { WAITING_TEXT, clearPanelError, showPanelError } from '../shared/panel-error';

type View = 'matrix' | 'grid' | 'neural';

interface GraphState {
  runId: string;
  view: View;
  kind: StateKind;
  k: number;
  frame: number;
  /** The clicked cell whose history is shown. */
  selected: { layer: number; a: number; b: number } | null;
}

const api = panelApi<GraphToHostMessage, GraphState>();

function restore(): GraphState {
  const s = api.savedState() as Partial<GraphState> | undefined;
  const sel = s?.selected;
  const okSel = sel && [sel.layer, sel.a, sel.b].every((v) => Number.isInteger(v) && v >= 0);
  return {
    runId: typeof s?.runId === 'string' ? s.runId : '',
    view: s?.view === 'matrix' || s?.view === 'neural' ? s.view : 'grid',
    kind: s?.kind === 'c' ? 'c' : 'h',
    k: Number.isInteger(s?.k) && (s?.k as number) >= 0 ? (s?.k as number) : 0,
    frame: Number.isInteger(s?.frame) && (s?.frame as number) >= 0 ? (s?.frame as number) : -1,
    selected: okSel ? { layer: sel.layer, a: sel.a, b: sel.b } : null,
  };
}

const state = restore();
const save = (): void => api.saveState(state);
let summary: RunSummary | null = null;
let sharing: ParamSharing | null = null;
let data: Decoded | null = null;
let scale = 1;

// ---- layout ---------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const title = el('h1', {}, 'VS-ML Variable-Sharing Graph');
const statusLine = el('p', { class: 'muted', id: 'status' }, WAITING_TEXT);
const viewSelect = ce('vscode-single-select', { id: 'view-select' });
const kindSelect = ce('vscode-single-select', { id: 'kind-select' });
const channelSelect = ce('vscode-single-select', { id: 'channel-select' });
const slider = el('input', { id: 'frame-slider', type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'inner step' });
const frameLabel = el('span', { id: 'frame-label', class: 'muted' }, '');
const playButton = ce('vscode-button', { id: 'play', secondary: '' }, 'Play');
const legend = el('div', { class: 'legend', id: 'legend' });
const canvas = el('canvas', { class: 'graph', id: 'graph-canvas' });
const tooltip = el('div', { class: 'tooltip hidden', id: 'tooltip', role: 'tooltip' });
const historyTitle = el('h2', { id: 'history-title' }, '');
const historyCanvas = el('canvas', { id: 'history-canvas' });
const historyBox = el('section', { class: 'card hidden', id: 'history' }, historyTitle, el('div', { class: 'chart-box' }, historyCanvas));
const labelled = (text: string, control: HTMLElement): HTMLElement => el('label', {}, ce('vscode-label', {}, text), control);
app.append(
  title, statusLine,
  el('div', { class: 'toolbar' }, labelled('View', viewSelect), labelled('State', kindSelect), labelled('Channel', channelSelect)),
  el('div', { class: 'toolbar' }, playButton, ce('vscode-label', {}, 'Inner step'), slider, frameLabel),
  legend,
  el('div', { class: 'card', id: 'canvas-box' }, canvas),
  historyBox,
  tooltip,
);

function setOptions(select: HTMLElement, options: { value: string; label: string }[], value: string): void {
  select.replaceChildren(...options.map((o) => {
    const opt = ce('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    return opt;
  }));
  (select as HTMLElement & { value: string }).value = value;
}
const valueOf = (e: Event): string => (e.target as HTMLElement & { value: string }).value;

setOptions(viewSelect, [
  { value: 'matrix', label: '(a) one big RNN: shared weight matrix' },
  { value: 'grid', label: '(b) grid of sub-RNNs' },
  { value: 'neural', label: '(c) neural network of LSTM weights' },
], state.view);
setOptions(kindSelect, [{ value: 'h', label: 'h (hidden)' }, { value: 'c', label: 'c (cell)' }], state.kind);
viewSelect.addEventListener('change', (e) => { state.view = valueOf(e) as View; save(); relayout(); });
kindSelect.addEventListener('change', (e) => { state.kind = valueOf(e) === 'c' ? 'c' : 'h'; rescale(); save(); requestRender(); });
channelSelect.addEventListener('change', (e) => { state.k = Number(valueOf(e)); rescale(); save(); requestRender(); });
slider.addEventListener('input', () => setFrame(Number(slider.value)));

// ---- theme-dependent colors -----------------------------------------------------------------
let lut = divergingLut(themeKind());
let colors = readColors();
function readColors() {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    fwd: cssVar('--vscode-charts-blue', '#3794ff'),
    bwd: cssVar('--vscode-charts-orange', '#d18616'),
    accent: cssVar('--vscode-focusBorder', '#007fd4'),
  };
}

// ---- geometry and drawing -------------------------------------------------------------------
let grid: GridLayout | null = null;
let neural: NeuralGeometry | null = null;
let matrix: MatrixImage | null = null;
let matrixCanvas: OffscreenCanvas | null = null;
const MATRIX_PX = 560;
const STRIP = { gap: 12, width: 18 };
let cssW = 0;
let cssH = 0;

function relayout(): void {
  if (!data) return;
  const avail = Math.max(320, (document.getElementById('canvas-box')?.clientWidth ?? 800) - 20);
  if (state.view === 'grid') {
    grid = gridLayout(data.layerSizes, avail);
    cssW = grid.width;
    cssH = grid.height;
  } else if (state.view === 'neural') {
    cssW = Math.min(avail, 900);
    cssH = Math.max(260, Math.min(640, Math.max(...data.layerSizes) * 6));
    neural = neuralGeometry(data.layerSizes, cssW, cssH);
  } else {
    const bg = midColor(themeKind());
    matrixCanvas = null;
    matrix = buildMatrixImage(data.layerSizes, sharing?.layerParamIndex ?? data.layerSizes.slice(1).map(() => 0), MATRIX_PX, bg);
    const side = Math.min(MATRIX_PX, Math.max(matrix.size, Math.min(avail - 120, 400)));
    cssW = side + STRIP.gap + STRIP.width + 60;
    cssH = side + 24;
  }
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${cssH}px`;
  drawLegend();
  render();
}

function matrixSide(): number {
  return cssH - 24;
}

function render(): void {
  if (!data || data.frames.length === 0) return;
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const f = data.frames[Math.min(state.frame, data.frames.length - 1)];
  const states = f[state.kind];
  const N = data.slowSize;
  const k = Math.min(state.k, N - 1);
  if (state.view === 'grid' && grid) {
    paintGridFrame(ctx, grid, colors.fg, colors.muted, colors.fwd, colors.bwd);
    paintGrid({ ctx, layout: grid, states, N, k, scale, lut, fg: colors.fg, muted: colors.muted, fwd: colors.fwd, bwd: colors.bwd });
  } else if (state.view === 'neural' && neural) {
    paintNeural(ctx, neural, data.layerSizes, states, N, k, scale, lut, colors.fg);
  } else if (state.view === 'matrix' && matrix) {
    const side = matrixSide();
    // The structure is static: uploaded once per layout, not per frame.
    if (!matrixCanvas) {
      matrixCanvas = new OffscreenCanvas(matrix.size, matrix.size);
      matrixCanvas.getContext('2d')!.putImageData(matrix.image, 0, 0);
    }
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(matrixCanvas, 0, 20, side, side);
    ctx.fillStyle = colors.fg;
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(`${matrix.idx.total} x ${matrix.idx.total} sub-RNN blocks (rows receive, columns send)`, 0, 12);
    paintStateStrip(ctx, matrix, side + STRIP.gap, 20, STRIP.width, side, states, data.layerSizes, N, k, scale, lut);
    ctx.save();
    ctx.translate(side + STRIP.gap + STRIP.width + 14, 20 + side / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(`big RNN state: ${state.kind}[${k}] of every cell`, 0, 0);
    ctx.restore();
  }
  frameLabel.textContent = `t = ${f.t} (label ${f.label}, predicted ${f.prediction})`;
  if (state.selected && !historyBox.classList.contains('hidden')) drawHistory();
}

let renderQueued = false;
function requestRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function rescale(): void {
  if (data) scale = channelScale(data, state.kind, Math.min(state.k, data.slowSize - 1));
  drawLegend();
}

function drawLegend(): void {
  if (!data) return;
  const bar = el('canvas', { width: '160', height: '12', id: 'scale-bar' });
  const bctx = bar.getContext('2d')!;
  for (let i = 0; i < 160; i++) {
    const li = Math.round((i / 159) * 255) * 4;
    bctx.fillStyle = `rgb(${lut[li]}, ${lut[li + 1]}, ${lut[li + 2]})`;
    bctx.fillRect(i, 0, 1, 12);
  }
  const items: Node[] = [el('span', {}, `${state.kind}[${state.k}]: −${scale.toPrecision(3)}`), bar, el('span', {}, `+${scale.toPrecision(3)}`)];
  if (state.view === 'matrix') {
    const sets = [...new Set(sharing?.layerParamIndex ?? [0])];
    const swatch = (c: Rgb, label: string): HTMLElement => {
      const s = el('span', { class: 'swatch' });
      s.style.background = rgbCss(c);
      return el('span', {}, s, label);
    };
    for (const s of sets) {
      items.push(swatch(shade(setColor(s), MATRIX_SHADE.self), `V_M set ${s}: LSTM recurrence`));
      items.push(swatch(shade(setColor(s), MATRIX_SHADE.forward), `set ${s}: forward messenger`));
      items.push(swatch(shade(setColor(s), MATRIX_SHADE.backward), `set ${s}: backward messenger`));
    }
    items.push(swatch(lossColor(midColor(themeKind())), 'coupled through the loss (no V_M weight)'));
  }
  legend.replaceChildren(...items);
}

function setFrame(i: number): void {
  if (!data) return;
  state.frame = Math.max(0, Math.min(data.frames.length - 1, i));
  slider.value = String(state.frame);
  save();
  requestRender();
}

// ---- play -----------------------------------------------------------------------------------
let playTimer: number | undefined;
playButton.addEventListener('click', () => {
  if (playTimer !== undefined) {
    clearInterval(playTimer);
    playTimer = undefined;
    playButton.textContent = 'Play';
    return;
  }
  playButton.textContent = 'Pause';
  playTimer = window.setInterval(() => {
    if (!data) return;
    setFrame((state.frame + 1) % data.frames.length);
  }, 250);
});

// ---- hover and click ------------------------------------------------------------------------
const fmt = (v: ArrayLike<number>): string => Array.from(v, (x) => x.toFixed(3)).join(' ');

function hitTest(ev: MouseEvent): { text: string; cell?: { layer: number; a: number; b: number } } | undefined {
  if (!data) return undefined;
  const r = canvas.getBoundingClientRect();
  const x = ev.clientX - r.left;
  const y = ev.clientY - r.top;
  if (state.view === 'grid' && grid) {
    const c = cellAt(grid, x, y);
    if (!c) return undefined;
    const f = Math.min(state.frame, data.frames.length - 1);
    const h = cellVector(data, f, 'h', c.layer, c.a, c.b);
    const cc = cellVector(data, f, 'c', c.layer, c.a, c.b);
    return { cell: c, text: `layer ${c.layer}, sub-RNN (a=${c.a}, b=${c.b}), t=${data.frames[f].t}\nh: ${fmt(h)}\nc: ${fmt(cc)}\nclick for its history` };
  }
  if (state.view === 'neural' && neural) {
    const c = nearestConnection(neural, data.layerSizes, x, y);
    if (!c) return undefined;
    const f = Math.min(state.frame, data.frames.length - 1);
    const h = cellVector(data, f, 'h', c.layer, c.a, c.b);
    const cc = cellVector(data, f, 'c', c.layer, c.a, c.b);
    return { cell: c, text: `layer ${c.layer}: connection a=${c.a} → b=${c.b} (a sub-RNN), t=${data.frames[f].t}\nh: ${fmt(h)}\nc: ${fmt(cc)}\nclick for its history` };
  }
  if (state.view === 'matrix' && matrix) {
    const side = matrixSide();
    const px = Math.floor(((x) / side) * matrix.size);
    const py = Math.floor(((y - 20) / side) * matrix.size);
    if (px < 0 || py < 0 || px >= matrix.size || py >= matrix.size) return undefined;
    const total = matrix.idx.total;
    const to = Math.floor((py * total) / matrix.size);
    const from = Math.floor((px * total) / matrix.size);
    const rc = cellOf(matrix.idx, data.layerSizes, to);
    const sc = cellOf(matrix.idx, data.layerSizes, from);
    const rel = relation(data.layerSizes, cellIndex(data.layerSizes), to, from);
    const setOf = (l: number): number => sharing?.layerParamIndex[l] ?? 0;
    const how = {
      self: `its own LSTM recurrence (lstm_w of V_M set ${setOf(rc.layer)})`,
      forward: `forward message (fwd_w of set ${setOf(sc.layer)} → lstm_w of set ${setOf(rc.layer)})`,
      backward: `backward message (bwd_w of set ${setOf(sc.layer)} → lstm_w of set ${setOf(rc.layer)})`,
      loss: 'the loss (softmax error fed back; no V_M weight)',
      none: 'no direct connection',
    }[rel];
    const pixelNote = total > matrix.size ? ` (one pixel ≈ ${(total / matrix.size).toFixed(1)} cells)` : '';
    return { cell: rc, text: `row: layer ${rc.layer} (a=${rc.a}, b=${rc.b}) receives\ncolumn: layer ${sc.layer} (a=${sc.a}, b=${sc.b}) sends\nvia ${how}${pixelNote}` };
  }
  return undefined;
}

canvas.addEventListener('mousemove', (ev) => {
  const hit = hitTest(ev);
  if (!hit) {
    tooltip.classList.add('hidden');
    return;
  }
  tooltip.textContent = hit.text;
  tooltip.classList.remove('hidden');
  tooltip.style.left = `${Math.min(ev.clientX + 14, window.innerWidth - 380)}px`;
  tooltip.style.top = `${ev.clientY + 14}px`;
});
canvas.addEventListener('mouseleave', () => tooltip.classList.add('hidden'));
canvas.addEventListener('click', (ev) => {
  const hit = hitTest(ev);
  if (!hit?.cell) return;
  state.selected = hit.cell;
  save();
  drawHistory();
});

function drawHistory(): void {
  if (!data || !state.selected) return;
  const s = state.selected;
  if (s.layer >= data.layerSizes.length - 1 || s.a >= data.layerSizes[s.layer] || s.b >= data.layerSizes[s.layer + 1]) return;
  historyBox.classList.remove('hidden');
  historyTitle.textContent = `History of layer ${s.layer}, sub-RNN (a=${s.a}, b=${s.b}): ${state.kind}, channel ${state.k} bold`;
  paintHistory(historyCanvas, data, state.kind, Math.min(state.k, data.slowSize - 1), s, colors.fg, colors.muted, colors.accent, Math.min(state.frame, data.frames.length - 1));
}

// ---- messages -------------------------------------------------------------------------------
function showSnapshot(snap: StateSnapshot | null): void {
  if (!snap) {
    data = null;
    statusLine.textContent = `${summary?.runId ?? 'This run'} has no state snapshot yet: one is written after each evaluation.`;
    return;
  }
  // Follow the newest step when the user was on the last one (or never chose); a step restored
  // from the saved state (first snapshot after a reload) is kept.
  const atEnd = state.frame < 0 || (data !== null && state.frame >= data.frames.length - 1);
  data = decodeSnapshot(snap);
  const N = data.slowSize;
  if (state.k >= N) state.k = 0;
  setOptions(channelSelect, Array.from({ length: N }, (_, n) => ({ value: String(n), label: String(n) })), String(state.k));
  slider.max = String(Math.max(0, data.frames.length - 1));
  // Follow the newest step unless the user scrubbed back.
  state.frame = atEnd ? data.frames.length - 1 : Math.min(state.frame, data.frames.length - 1);
  slider.value = String(state.frame);
  const sets = sharing ? [...new Set(sharing.layerParamIndex)].length : 1;
  statusLine.textContent = `${summary?.runId ?? ''} (${summary?.state ?? ''}): layers ${data.layerSizes.join(' → ')}, N=${N}, M=${data.msgSize}, ` +
    `${sets} V_M set${sets > 1 ? 's' : ''}; states of one ${data.dataset} episode at meta-step ${data.step}, ${data.frames.length} inner steps recorded`;
  rescale();
  save();
  relayout();
}

function handle(m: HostToGraphMessage): void {
  switch (m.type) {
    case 'graph/snapshot':
      clearPanelError();
      summary = m.summary;
      sharing = m.sharing;
      state.runId = m.summary.runId;
      title.textContent = `VS-ML Variable-Sharing Graph: ${m.summary.name}`;
      showSnapshot(m.snapshot);
      break;
    case 'state/snapshot':
      if (m.runId !== state.runId) {
        api.log('warn', `graph panel for ${state.runId} ignored a snapshot of ${m.runId}`);
        break;
      }
      if (sharing && sharing.layerParamIndex.length !== m.snapshot.layerSizes.length - 1) {
        api.log('warn', `graph panel: snapshot has ${m.snapshot.layerSizes.length - 1} layers, the run's sharing ${sharing.layerParamIndex.length}; dropped`);
        break;
      }
      showSnapshot(m.snapshot);
      break;
    case 'panel/error':
      showPanelError(m.message, statusLine);
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}

onHostMessage(parseHostToGraphMessage, handle, api.log);
onThemeChange(() => {
  lut = divergingLut(themeKind());
  colors = readColors();
  relayout();
});
window.addEventListener('resize', () => relayout());

/** Read-only hooks for the webview tests and the benchmark. */
(window as unknown as { vsmlGraphDebug: unknown }).vsmlGraphDebug = {
  gridLayout: () => grid,
  matrixInfo: () => (matrix ? { size: matrix.size, total: matrix.idx.total, side: matrixSide() } : null),
  neuralSize: () => (neural ? { width: neural.width, height: neural.height } : null),
  scale: () => scale,
  frameCount: () => data?.frames.length ?? 0,
  /** Renders frame i synchronously and returns the milliseconds it took. */
  renderFrame: (i: number): number => {
    const t0 = performance.now();
    state.frame = i;
    render();
    return performance.now() - t0;
  },
};

api.post({ type: 'ready' });
