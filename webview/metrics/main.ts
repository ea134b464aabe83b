/**
 * The metrics panel: meta-training curves and evaluation accuracy of the selected runs against
 * meta-step (live), the inner learning curve of the learned LA beside the untrained LA, SGD and
 * Adam, and a config comparison with "differences only". Host messages are parsed first; the
 * panel's choices are kept with setState.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '../shared/panel.css';
import {
  HostToMetricsMessage, MetricsToHostMessage, RunSummary, parseHostToMetricsMessage,
} from '../../src/protocol/metrics-panel';
import { ce, el } from '../shared/dom';
import { onThemeChange } from '../shared/theme';
import { onHostMessage, panelApi } from '../shared/vscode-api';
import { DASHES, LineChart, LineDataset, lineDataset, runColor } from './charts';
import { configDiff } from './config-diff';
import {
  AccuracyKey, METHODS, METRIC_KEYS, MetricKey, RunStore, appendEvals, appendMetrics, datasetsOf, downsampleNote, evalSeries, evalSteps,
  innerCurve, metricSeries, smooth, storeFrom,
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
  };
}

const state = restoreState();
const save = (): void => api.saveState(state);
let available: RunSummary[] = [];
const runs = new Map<string, RunStore>();

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
const diffTable = el('table', { class: 'data', id: 'config-diff' });
const canvas = (id: string): HTMLCanvasElement => el('canvas', { id, role: 'img' });
const lossCanvas = canvas('chart-loss');
const evalCanvas = canvas('chart-eval');
const curveCanvas = canvas('chart-curve');
const card = (title: string, controls: Node[], body: Node): HTMLElement =>
  el('section', { class: 'card' }, el('h2', {}, title), el('div', { class: 'toolbar' }, ...controls), body);
const labelled = (text: string, control: HTMLElement): HTMLElement => el('label', {}, ce('vscode-label', {}, text), control);

app.append(
  el('h1', {}, 'VS-ML Metrics'),
  statusLine,
  runList,
  el('div', { class: 'grid2' },
    card('Meta-training', [labelled('Metric', metricSelect)], el('div', { class: 'chart-box' }, lossCanvas)),
    card('Evaluation accuracy', [labelled('Method', methodSelect), labelled('Accuracy', accuracySelect)], el('div', { class: 'chart-box' }, evalCanvas)),
    card('Inner learning curve (online accuracy)', [labelled('Run', curveRunSelect), labelled('Dataset', curveDatasetSelect), labelled('Meta-step', curveStepSelect), labelled('Smoothing', smoothingSelect)],
      el('div', { class: 'chart-box' }, curveCanvas)),
  ),
  card('Config comparison', [diffOnly], diffTable),
);

const lossChart = new LineChart(lossCanvas, 'meta-step', 'meta-loss');
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
const evalLabel = (r: RunStore, dataset: string): string => `${runLabel(r)} ${dataset} ${state.method}`;

function drawLoss(): void {
  lossChart.setDatasets(selectedStores().map((r) => lineDataset(lossLabel(r), metricSeries(r, state.metric), runColor(runIndex(r.summary.runId)))));
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

function drawDiff(): void {
  const sel = selectedStores();
  const rows = configDiff(sel.map((r) => r.config), state.differencesOnly);
  const head = el('tr', {}, el('th', {}, 'key'), ...sel.map((r) => el('th', {}, r.summary.runId)));
  const body = rows.map((row) => el('tr', {}, el('td', {}, row.key), ...row.values.map((v) => el('td', row.differs ? { class: 'diff' } : {}, v))));
  const empty = rows.length === 0 ? [el('tr', {}, el('td', { class: 'muted' }, sel.length < 2 ? 'Select two or more runs to compare their configs.' : 'The selected runs have identical configs.'))] : [];
  diffTable.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body, ...empty));
}

function drawAll(): void {
  drawRunList();
  drawLoss();
  drawEval();
  drawCurve();
  drawDiff();
}

// ---- messages ------------------------------------------------------------------------------
let pending = false;
let needEval = false;
let needRunList = false;
/** Live rows arrive in bursts; redraw once per animation frame, only what changed. */
function scheduleUpdate(what: 'metrics' | 'eval' | 'status'): void {
  if (what === 'eval') needEval = true;
  if (what === 'status') needRunList = true;
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    lossChart.update();
    if (needEval) {
      drawEval();
      drawCurve();
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
};

api.post({ type: 'ready' });
