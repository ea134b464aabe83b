/**
 * The metrics panel: meta-training curves and evaluation accuracy of the selected runs against
 * meta-step (live), the inner learning curve of the learned LA beside the untrained LA, SGD and
 * Adam, and a config comparison with "differences only". Each run's header states its provenance
 * (with Open Run Log); evaluations recorded from the editor or `vsml eval --record` get a table.
 * The meta-training chart smooths (TensorBoard's EMA), switches to a log scale or a wall-clock x
 * axis, and zooms and pans; every chart exports CSV, PNG and SVG (the host writes the file).
 * A `vsml compare` output folder's table.csv shows as a heat map on top (compare-view.ts), live
 * while the comparison runs. Host messages are parsed first; the panel's choices are kept with setState.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '../shared/panel.css';
import './metrics.css';
import {
  type CompareTableView, type ExportFormat, HostToMetricsMessage, MetricsToHostMessage, RunSummary, parseHostToMetricsMessage,
} from '../../src/protocol/metrics-panel';
import { renderCompare } from './compare-view';
import { chartCsv, chartSvg, exportFileName } from './chart-export';
import { provenanceParts } from './provenance-text';
import { ce, el } from '../shared/dom';
import { onThemeChange } from '../shared/theme';
import { onHostMessage, panelApi } from '../shared/vscode-api';
import { DASHES, LineChart, LineDataset, lineDataset, runColor } from './charts';
import { configDiff } from './config-diff';
import {
  AccuracyKey, METHODS, METRIC_KEYS, MetricKey, RunStore, XAxis, appendEvals, appendMetrics, datasetsOf, downsampleNote, emaSmooth, evalSeries, evalSteps,
  innerCurve, metricSeries, recordedEvaluations, smooth, storeFrom, timeUnit,
} from './model';
import { WAITING_TEXT, clearPanelError, showPanelError } from '../shared/panel-error';

/** What the panel remembers across tab switches and reloads (the data itself comes from the host). */
interface MetricsState {
  selected: string[];
  metric: MetricKey;
  accuracy: AccuracyKey;
  method: string;
  curveRun: string;
  curveDataset: string;
  /** -1 = the newest evaluation. */
  curveStep: number;
  /** Moving-average window of the inner curves (1 = raw). */
  curveSmoothing: number;
  differencesOnly: boolean;
  /** The meta-training chart: EMA weight in [0, 0.99] (0 = raw), log y axis, x axis. */
  lossSmoothing: number;
  logY: boolean;
  xAxis: XAxis;
  /** The compare output folder shown (the host reopens it when the panel is restored); '' for none. */
  compareFolder: string;
}

const api = panelApi<MetricsToHostMessage, MetricsState>();

function restoreState(): MetricsState {
  const s = api.savedState() as Partial<MetricsState> | undefined;
  const pick = <T>(v: unknown, ok: (x: unknown) => boolean, d: T): T => (ok(v) ? (v as T) : d);
  const isStr = (x: unknown): boolean => typeof x === 'string';
  return {
    selected: Array.isArray(s?.selected) ? s.selected.filter((x): x is string => typeof x === 'string') : [],
    metric: pick(s?.metric, (x) => (METRIC_KEYS as readonly unknown[]).includes(x), 'metaLoss'),
    accuracy: pick(s?.accuracy, (x) => x === 'meanAccuracy' || x === 'finalAccuracy', 'meanAccuracy'),
    method: pick(s?.method, isStr, 'learned'),
    curveRun: pick(s?.curveRun, isStr, ''),
    curveDataset: pick(s?.curveDataset, isStr, ''),
    curveStep: pick(s?.curveStep, (x) => typeof x === 'number' && Number.isInteger(x), -1),
    curveSmoothing: pick(s?.curveSmoothing, (x) => x === 1 || x === 5 || x === 11 || x === 25, 1),
    differencesOnly: pick(s?.differencesOnly, (x) => typeof x === 'boolean', true),
    lossSmoothing: pick(s?.lossSmoothing, (x) => typeof x === 'number' && x >= 0 && x <= 0.99, 0),
    logY: pick(s?.logY, (x) => typeof x === 'boolean', false),
    xAxis: pick(s?.xAxis, (x) => x === 'step' || x === 'time', 'step'),
    compareFolder: pick(s?.compareFolder, isStr, ''),
  };
}

const state = restoreState();
const save = (): void => api.saveState(state);
let available: RunSummary[] = [];
const runs = new Map<string, RunStore>();
let compare: CompareTableView | undefined;

// ---- layout ---------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const statusLine = el('p', { class: 'muted', id: 'status' }, WAITING_TEXT);
const runList = el('div', { class: 'toolbar', id: 'run-list' });
const metricSelect = ce('vscode-single-select', { id: 'metric-select' });
const accuracySelect = ce('vscode-single-select', { id: 'accuracy-select' });
const methodSelect = ce('vscode-single-select', { id: 'method-select' });
const curveRunSelect = ce('vscode-single-select', { id: 'curve-run-select' });
const curveDatasetSelect = ce('vscode-single-select', { id: 'curve-dataset-select' });
const curveStepSelect = ce('vscode-single-select', { id: 'curve-step-select' });
const smoothingSelect = ce('vscode-single-select', { id: 'curve-smoothing-select' });
const diffOnly = ce('vscode-checkbox', { id: 'diff-only', label: 'Differences only' });
const xAxisSelect = ce('vscode-single-select', { id: 'loss-x-select' });
const lossSmoothing = el('input', { id: 'loss-smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing' });
const lossSmoothingValue = el('span', { id: 'loss-smoothing-value', class: 'muted' });
const logScale = ce('vscode-checkbox', { id: 'loss-log', label: 'Log scale' });
const logNote = el('span', { id: 'loss-log-note', class: 'muted' });
const resetZoom = ce('vscode-button', { id: 'loss-reset-zoom', secondary: '', title: 'Drag a box to zoom, Shift+drag to pan, Ctrl+wheel to zoom' }, 'Reset zoom');
const runHeaders = el('div', { id: 'run-headers' });
const recordedTable = el('table', { class: 'data', id: 'recorded-evals' });
const exportStatus = el('p', { class: 'muted', id: 'export-status' });
const diffTable = el('table', { class: 'data', id: 'config-diff' });
const canvas = (id: string): HTMLCanvasElement => el('canvas', { id, role: 'img' });
const lossCanvas = canvas('chart-loss');
const evalCanvas = canvas('chart-eval');
const curveCanvas = canvas('chart-curve');
const card = (title: string, controls: Node[], body: Node): HTMLElement =>
  el('section', { class: 'card' }, el('h2', {}, title), el('div', { class: 'toolbar' }, ...controls), body);
const labelled = (text: string, control: HTMLElement): HTMLElement => el('label', {}, ce('vscode-label', {}, text), control);
const openCompare = ce('vscode-button', { id: 'compare-open', secondary: '', title: 'Show the table.csv of a vsml compare output folder as a heat map' }, 'Open Compare Results…');
const closeCompare = ce('vscode-button', { id: 'compare-close', secondary: '', title: 'Stop showing this compare table' }, 'Close');
const compareCard = el('section', { class: 'card hidden', id: 'compare-card' },
  el('div', { class: 'card-title' }, el('h2', {}, 'Compare results (vsml compare)'), closeCompare), el('div', { class: 'compare-body' }));
openCompare.addEventListener('click', () => api.post({ type: 'compare/open' }));
closeCompare.addEventListener('click', () => api.post({ type: 'compare/close' }));

/** CSV, PNG and SVG buttons of one chart (`chart`: the name in ids and file names). */
const exportButtons = (chart: string): HTMLElement => el('span', { class: 'export-buttons' },
  ...(['csv', 'png', 'svg'] as const).map((f) => {
    const b = ce('vscode-button', { id: `export-${chart}-${f}`, secondary: '', title: `Save this chart as ${f.toUpperCase()}` }, f.toUpperCase());
    b.addEventListener('click', () => exportChart(chart, f));
    return b;
  }));

app.append(
  el('div', { class: 'toolbar' }, el('h1', {}, 'VS-ML Metrics'), openCompare),
  compareCard,
  statusLine,
  runList,
  runHeaders,
  exportStatus,
  el('div', { class: 'grid2' },
    card('Meta-training', [labelled('Metric', metricSelect), labelled('x', xAxisSelect), labelled('Smoothing', el('span', {}, lossSmoothing, lossSmoothingValue)), logScale, logNote, resetZoom, exportButtons('meta-training')],
      el('div', { class: 'chart-box' }, lossCanvas)),
    card('Evaluation accuracy', [labelled('Method', methodSelect), labelled('Accuracy', accuracySelect), exportButtons('evaluation')], el('div', { class: 'chart-box' }, evalCanvas)),
    card('Inner learning curve (online accuracy)', [labelled('Run', curveRunSelect), labelled('Dataset', curveDatasetSelect), labelled('Meta-step', curveStepSelect), labelled('Smoothing', smoothingSelect), exportButtons('inner-curve')],
      el('div', { class: 'chart-box' }, curveCanvas)),
  ),
  card('Recorded evaluations (Evaluate in the editor, vsml eval --record)', [], recordedTable),
  card('Config comparison', [diffOnly], diffTable),
);

const lossChart = new LineChart(lossCanvas, 'meta-step', 'meta-loss', undefined, { zoom: true });
const evalChart = new LineChart(evalCanvas, 'meta-step', 'accuracy', { min: 0, max: 1 });
const curveChart = new LineChart(curveCanvas, 'examples seen', 'online accuracy', { min: 0, max: 1 });

/** Fills a vscode-single-select with options; `value` is selected when present. */
function setOptions(select: HTMLElement, options: { value: string; label: string }[], value: string): void {
  select.replaceChildren(...options.map((o) => {
    const opt = ce('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    return opt;
  }));
  (select as HTMLElement & { value: string }).value = value;
}

const valueOf = (e: Event): string => (e.target as HTMLElement & { value: string }).value;

setOptions(metricSelect, METRIC_KEYS.map((k) => ({ value: k, label: k })), state.metric);
setOptions(accuracySelect, [{ value: 'meanAccuracy', label: 'mean over the episode' }, { value: 'finalAccuracy', label: 'at the end' }], state.accuracy);
setOptions(methodSelect, METHODS.map((m) => ({ value: m, label: m })), state.method);
setOptions(smoothingSelect, [1, 5, 11, 25].map((w) => ({ value: String(w), label: w === 1 ? 'none' : `${w} steps` })), String(state.curveSmoothing));
if (state.differencesOnly) diffOnly.setAttribute('checked', '');
setOptions(xAxisSelect, [{ value: 'step', label: 'meta-step' }, { value: 'time', label: 'relative time' }], state.xAxis);
lossSmoothing.value = String(state.lossSmoothing);
lossSmoothingValue.textContent = state.lossSmoothing.toFixed(2);
if (state.logY) logScale.setAttribute('checked', '');
xAxisSelect.addEventListener('change', (e) => { state.xAxis = valueOf(e) === 'time' ? 'time' : 'step'; save(); drawLoss(); });
lossSmoothing.addEventListener('input', () => {
  state.lossSmoothing = Math.min(0.99, Math.max(0, Number(lossSmoothing.value) || 0));
  lossSmoothingValue.textContent = state.lossSmoothing.toFixed(2);
  save();
  drawLoss();
});
logScale.addEventListener('change', (e) => { state.logY = (e.target as HTMLElement & { checked: boolean }).checked; save(); drawLoss(); });
resetZoom.addEventListener('click', () => lossChart.resetZoom());
metricSelect.addEventListener('change', (e) => { state.metric = valueOf(e) as MetricKey; save(); drawLoss(); });
accuracySelect.addEventListener('change', (e) => { state.accuracy = valueOf(e) as AccuracyKey; save(); drawEval(); });
methodSelect.addEventListener('change', (e) => { state.method = valueOf(e); save(); drawEval(); });
curveRunSelect.addEventListener('change', (e) => { state.curveRun = valueOf(e); state.curveStep = -1; save(); drawCurve(); });
curveDatasetSelect.addEventListener('change', (e) => { state.curveDataset = valueOf(e); save(); drawCurve(); });
curveStepSelect.addEventListener('change', (e) => { state.curveStep = Number(valueOf(e)); save(); drawCurve(); });
smoothingSelect.addEventListener('change', (e) => { state.curveSmoothing = Number(valueOf(e)) || 1; save(); drawCurve(); });
diffOnly.addEventListener('change', (e) => { state.differencesOnly = (e.target as HTMLElement & { checked: boolean }).checked; save(); drawDiff(); });

// ---- drawing --------------------------------------------------------------------------------
const selectedStores = (): RunStore[] => state.selected.map((id) => runs.get(id)).filter((r): r is RunStore => r !== undefined);
const runIndex = (id: string): number => Math.max(0, state.selected.indexOf(id));
const runLabel = (r: RunStore): string => r.summary.runId;

function drawRunList(): void {
  runList.replaceChildren(...available.slice(0, 40).map((r) => {
    const box = ce('vscode-checkbox', { 'data-run-id': r.runId, label: `${r.runId} (${r.state}, ${r.step}/${r.totalSteps})` });
    if (state.selected.includes(r.runId)) box.setAttribute('checked', '');
    box.addEventListener('change', (e) => {
      const on = (e.target as HTMLElement & { checked: boolean }).checked;
      const next = on ? [...state.selected, r.runId] : state.selected.filter((id) => id !== r.runId);
      state.selected = next;
      save();
      api.post({ type: 'runs/select', runIds: next });
    });
    return box;
  }));
  drawStatus();
}

function drawStatus(): void {
  const sel = selectedStores();
  statusLine.textContent = available.length === 0
    ? 'No runs yet: train an experiment (Train VS-ML) and its curves appear here live.'
    : `${sel.length} of ${available.length} runs shown. ${sel.map((r) => {
      const note = downsampleNote(r);
      return `${r.summary.runId}: ${r.summary.state}, step ${r.summary.step}/${r.summary.totalSteps}${note ? ` (${note})` : ''}`;
    }).join('; ')}`;
}

const lossLabel = (r: RunStore): string => `${runLabel(r)} ${state.metric}`;
/** A faint copy of a color for the raw series under a smoothed one (TensorBoard draws it so). */
const faint = (color: string): string => (/^#[0-9a-f]{6}$/i.test(color) ? `${color}40` : color);
/** Live rows can be appended to the drawn series only when they are drawn as they come (raw, against step). */
const lossAppendable = (): boolean => state.lossSmoothing === 0 && state.xAxis === 'step';
const evalLabel = (r: RunStore, dataset: string): string => `${runLabel(r)} ${dataset} ${state.method}`;

function drawLoss(): void {
  const sel = selectedStores();
  const unit = timeUnit(Math.max(0, ...sel.map((r) => r.metrics[r.metrics.length - 1]?.time ?? 0)));
  lossChart.configure({ logY: state.logY, xTitle: state.xAxis === 'step' ? 'meta-step' : `relative time (${unit.name})` });
  const ds: LineDataset[] = [];
  let hidden = 0;
  for (const r of sel) {
    const color = runColor(runIndex(r.summary.runId));
    const raw = metricSeries(r, state.metric, state.xAxis, unit.divisor);
    if (state.logY) hidden += raw.filter((p) => !(p.y > 0)).length;
    if (state.lossSmoothing > 0) {
      ds.push({ ...lineDataset(lossLabel(r), raw, faint(color)), borderWidth: 1 });
      ds.push(lineDataset(`${lossLabel(r)} (smoothed ${state.lossSmoothing.toFixed(2)})`, emaSmooth(raw, state.lossSmoothing), color));
    } else {
      ds.push(lineDataset(lossLabel(r), raw, color));
    }
  }
  logNote.textContent = hidden > 0 ? `${hidden} value${hidden === 1 ? '' : 's'} ≤ 0 not drawn` : '';
  lossChart.setDatasets(ds);
}

function drawEval(): void {
  const ds: LineDataset[] = [];
  for (const r of selectedStores()) {
    datasetsOf(r).forEach((d, j) => ds.push(lineDataset(evalLabel(r, d), evalSeries(r, d, state.method, state.accuracy), runColor(runIndex(r.summary.runId)), DASHES[j % DASHES.length])));
  }
  evalChart.setDatasets(ds);
}

function drawCurve(): void {
  const sel = selectedStores();
  const run = sel.find((r) => r.summary.runId === state.curveRun) ?? sel[0];
  const datasets = run ? datasetsOf(run) : [];
  const dataset = datasets.includes(state.curveDataset) ? state.curveDataset : (datasets[0] ?? '');
  const steps = run ? evalSteps(run, dataset) : [];
  const step = steps.includes(state.curveStep) ? state.curveStep : (steps[steps.length - 1] ?? 0);
  setOptions(curveRunSelect, sel.map((r) => ({ value: r.summary.runId, label: r.summary.runId })), run?.summary.runId ?? '');
  setOptions(curveDatasetSelect, datasets.map((d) => ({ value: d, label: d })), dataset);
  setOptions(curveStepSelect, [{ value: '-1', label: 'newest' }, ...steps.map((s) => ({ value: String(s), label: String(s) }))], state.curveStep === -1 ? '-1' : String(step));
  if (!run) {
    curveChart.setDatasets([]);
    return;
  }
  const colors: Record<string, string> = { learned: runColor(0), untrained: runColor(4), sgd: runColor(2), adam: runColor(3) };
  const w = state.curveSmoothing;
  const ds: LineDataset[] = METHODS.map((m, j) => lineDataset(`${m}`, smooth(innerCurve(run, dataset, step, m), w), colors[m], DASHES[j % DASHES.length]));
  // Other selected runs' learned LAs on the same dataset, overlaid.
  for (const other of sel) {
    if (other === run) continue;
    const s = evalSteps(other, dataset);
    if (s.length) ds.push(lineDataset(`${other.summary.runId} learned`, smooth(innerCurve(other, dataset, s[s.length - 1], 'learned'), w), runColor(runIndex(other.summary.runId)), [3, 3]));
  }
  curveChart.setDatasets(ds.filter((d) => d.data.length > 0));
}

function drawRunHeaders(): void {
  runHeaders.replaceChildren(...selectedStores().map((r) => {
    const open = ce('vscode-button', { secondary: '', 'data-run-id': r.summary.runId, class: 'open-run-log' }, 'Open Run Log');
    open.addEventListener('click', () => api.post({ type: 'runLog/open', runId: r.summary.runId }));
    const facts = r.provenance
      ? provenanceParts(r.provenance).map((p) => el('span', { class: 'fact', ...(p.title ? { title: p.title } : {}) }, el('span', { class: 'muted' }, `${p.label} `), p.value))
      : [el('span', { class: 'muted' }, 'no provenance recorded (a run from an older version)')];
    return el('div', { class: 'run-header', 'data-run-id': r.summary.runId }, el('strong', {}, r.summary.runId), ...facts, open);
  }));
}

const pct = (v: number | undefined): string => (v === undefined ? '' : `${(100 * v).toFixed(1)}%`);

function drawRecorded(): void {
  const rows = recordedEvaluations(selectedStores());
  const head = el('tr', {}, ...['run', 'source', 'recorded', 'checkpoint step', 'dataset', 'T', 'episodes', ...METHODS].map((h) => el('th', {}, h)));
  const body = rows.map(({ runId, row }) => el('tr', {},
    el('td', {}, runId), el('td', {}, row.source ?? ''), el('td', {}, (row.recordedAt ?? '').replace('T', ' ').slice(0, 19)),
    el('td', {}, String(row.step)), el('td', {}, row.dataset), el('td', {}, String(row.length)), el('td', {}, String(row.episodes)),
    ...METHODS.map((m) => el('td', {}, pct(row.methods[m]?.meanAccuracy)))));
  const empty = rows.length === 0 ? [el('tr', {}, el('td', { class: 'muted', colspan: '11' }, 'None yet: Evaluate a run (explorer) or run vsml eval <run> --record; the results appear here.'))] : [];
  recordedTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body, ...empty));
}

// ---- export ----------------------------------------------------------------------------------
let exportSeq = 0;
const charts: Record<string, { chart: LineChart; yTitle: () => string }> = {
  'meta-training': { chart: lossChart, yTitle: () => state.metric },
  evaluation: { chart: evalChart, yTitle: () => state.accuracy },
  'inner-curve': { chart: curveChart, yTitle: () => 'online accuracy' },
};

/** The webview cannot write files: post the content; the host asks where and answers `export/done`. */
function exportChart(name: string, format: ExportFormat): void {
  const c = charts[name];
  const data = format === 'csv' ? chartCsv(c.chart.shownSeries(), c.chart.xAxisTitle, c.yTitle())
    : format === 'png' ? c.chart.pngBase64() : chartSvg({ ...c.chart.picture(), yTitle: c.yTitle() });
  const fileName = exportFileName(name === 'meta-training' ? state.metric : name, state.selected, format);
  api.post({ type: 'export/save', requestId: ++exportSeq, format, fileName, data });
  exportStatus.textContent = `Saving ${fileName}…`;
}

function drawDiff(): void {
  const sel = selectedStores();
  const rows = configDiff(sel.map((r) => r.config), state.differencesOnly);
  const head = el('tr', {}, el('th', {}, 'key'), ...sel.map((r) => el('th', {}, r.summary.runId)));
  const body = rows.map((row) => el('tr', {}, el('td', {}, row.key), ...row.values.map((v) => el('td', row.differs ? { class: 'diff' } : {}, v))));
  const empty = rows.length === 0 ? [el('tr', {}, el('td', { class: 'muted' }, sel.length < 2 ? 'Select two or more runs to compare their configs.' : 'The selected runs have identical configs.'))] : [];
  diffTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body, ...empty));
}

function drawCompare(): void {
  renderCompare(compareCard, compare);
}

/** The compare table changed (opened, closed, table.csv written again). */
function setCompare(view: CompareTableView | undefined): void {
  compare = view;
  state.compareFolder = view?.folder ?? '';
  save();
  drawCompare();
}

function drawAll(): void {
  drawCompare();
  drawRunList();
  drawRunHeaders();
  drawRecorded();
  drawLoss();
  drawEval();
  drawCurve();
  drawDiff();
}

// ---- messages ------------------------------------------------------------------------------
let pending = false;
let needEval = false;
let needRunList = false;
let needLoss = false;
/** Live rows arrive in bursts; redraw once per animation frame, only what changed. */
function scheduleUpdate(what: 'metrics' | 'eval' | 'status' | 'loss'): void {
  if (what === 'eval') needEval = true;
  if (what === 'status') needRunList = true;
  if (what === 'loss') needLoss = true;
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    if (needLoss) drawLoss();
    else lossChart.update();
    needLoss = false;
    if (needEval) {
      drawEval();
      drawCurve();
      drawRecorded();
    }
    if (needRunList) drawRunList();
    else drawStatus();
    needEval = false;
    needRunList = false;
  });
}

function handle(m: HostToMetricsMessage): void {
  switch (m.type) {
    case 'metrics/snapshot': {
      clearPanelError();
      available = [...m.available];
      runs.clear();
      for (const r of m.runs) runs.set(r.summary.runId, storeFrom(r));
      state.selected = m.runs.map((r) => r.summary.runId);
      compare = m.compare;
      state.compareFolder = compare?.folder ?? '';
      save();
      drawAll();
      break;
    }
    case 'metrics/append': {
      const r = runs.get(m.runId);
      if (!r) break;
      const fresh = appendMetrics(r, m.rows);
      if (fresh.length === 0) break;
      r.summary = { ...r.summary, step: Math.max(r.summary.step, fresh[fresh.length - 1].step) };
      // Smoothed or against time, the whole series is redrawn (once per frame); raw against step, points are appended.
      if (!lossAppendable()) {
        scheduleUpdate('loss');
        break;
      }
      const pts = fresh.flatMap((row) => (typeof row[state.metric] === 'number' ? [{ x: row.step, y: row[state.metric] as number }] : []));
      if (!lossChart.append(lossLabel(r), pts)) drawLoss();
      scheduleUpdate('metrics');
      break;
    }
    case 'eval/append': {
      const r = runs.get(m.runId);
      if (!r) break;
      if (appendEvals(r, m.rows).length === 0) break;
      scheduleUpdate('eval');
      break;
    }
    case 'run/status': {
      const r = runs.get(m.summary.runId);
      if (r) r.summary = m.summary;
      available = available.map((a) => (a.runId === m.summary.runId ? m.summary : a));
      scheduleUpdate('status');
      break;
    }
    case 'compare/table':
      setCompare(m.compare ?? undefined);
      break;
    case 'export/done':
      exportStatus.textContent = m.outcome === 'saved' ? `Saved ${m.path ?? ''}` : m.outcome === 'cancelled' ? 'Export cancelled.' : `Could not save: ${m.error ?? 'unknown error'}`;
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

onHostMessage(parseHostToMetricsMessage, handle, api.log);
onThemeChange(() => {
  for (const c of [lossChart, evalChart, curveChart]) c.retheme();
  drawAll();
});

/** Read-only view of the charts' points, for the webview tests and the benchmark. */
(window as unknown as { vsmlMetricsDebug: unknown }).vsmlMetricsDebug = {
  points: () => ({ loss: lossChart.points(), eval: evalChart.points(), curve: curveChart.points() }),
  lossScale: () => ({ type: lossChart.chart.options.scales?.y?.type, xTitle: lossChart.xAxisTitle, zoomed: lossChart.isZoomed(), x: lossChart.visibleX() }),
};

api.post({ type: 'ready' });
