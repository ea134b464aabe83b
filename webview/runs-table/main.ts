/**
 * The runs table: every run of the workspace with its state, progress, best evaluation, start,
 * config, notes, tags and the hyperparameters that differ between runs (the rows of
 * `vsml runs --json`, sent by the host). Sort by any column, filter by text, state and tag, select
 * rows and compare them in the metrics panel, act on a run (open, resume, evaluate, stop, delete),
 * and edit notes and tags in place. Host messages are parsed first; the view is kept with setState.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '../shared/panel.css';
import './runs-table.css';
import {
  type HostToRunsTableMessage, LISTED_STATES, MAX_COMPARED_RUNS, type RunAction, type RunRow, type RunsTableToHostMessage,
  parseHostToRunsTableMessage,
} from '../../src/protocol/runs-table';
import { MAX_NOTES_LENGTH, parseAnnotations, splitTags } from '../../src/protocol/run-annotations';
import { ce, el } from '../shared/dom';
import { onHostMessage, panelApi } from '../shared/vscode-api';
import { WAITING_TEXT, clearPanelError, showPanelError } from '../shared/panel-error';
import {
  type ColumnKey, type TableView, allTags, allowedActions, cellText, columnTitle, columnsOf, restoreView, visibleRows,
} from './model';

const api = panelApi<RunsTableToHostMessage, TableView>();
const view = restoreView(api.savedState());
const save = (): void => api.saveState(view);

let rows: RunRow[] = [];
let paramKeys: string[] = [];
let loaded = false;
let nextRequestId = 1;
/** The cell being edited (kept across redraws caused by host updates). */
let editing: { runId: string; field: 'notes' | 'tags' } | undefined;

const ACTIONS: readonly { action: RunAction; label: string; title: string }[] = [
  { action: 'open', label: 'Open', title: 'Open the run in the metrics panel' },
  { action: 'resume', label: 'Resume', title: 'Resume from the latest checkpoint' },
  { action: 'evaluate', label: 'Evaluate', title: 'Evaluate the learned LA on a dataset' },
  { action: 'stop', label: 'Stop', title: 'Ask the trainer to stop at its next step (works for runs started anywhere)' },
  { action: 'delete', label: 'Delete', title: 'Delete the run folder (asks first)' },
];

// ---- layout ---------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const statusLine = el('p', { class: 'muted', id: 'status' }, WAITING_TEXT);
const filterField = ce('vscode-textfield', { id: 'filter', placeholder: 'Filter: words in any column', 'aria-label': 'filter runs' }) as HTMLElement & { value: string };
const stateSelect = ce('vscode-single-select', { id: 'state-filter', 'aria-label': 'state' }) as HTMLElement & { value: string };
const tagSelect = ce('vscode-single-select', { id: 'tag-filter', 'aria-label': 'tag' }) as HTMLElement & { value: string };
const compareButton = ce('vscode-button', { id: 'compare', title: `Open the selected runs (up to ${MAX_COMPARED_RUNS}) together in the metrics panel` }, 'Compare selected');
const clearButton = ce('vscode-button', { id: 'clear-selection', secondary: '' }, 'Clear selection');
const table = el('table', { class: 'data runs', id: 'runs' });
const labelled = (text: string, control: HTMLElement): HTMLElement => el('label', {}, ce('vscode-label', {}, text), control);
app.append(
  el('h1', {}, 'VS-ML Runs'),
  statusLine,
  el('div', { class: 'toolbar' }, filterField, labelled('State', stateSelect), labelled('Tag', tagSelect), compareButton, clearButton),
  el('div', { class: 'table-box' }, table),
);
filterField.value = view.filter;

function setOptions(select: HTMLElement & { value: string }, options: { value: string; label: string }[], value: string): void {
  select.replaceChildren(...options.map((o) => {
    const opt = ce('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    return opt;
  }));
  select.value = value;
}

filterField.addEventListener('input', () => { view.filter = filterField.value; save(); drawTable(); });
stateSelect.addEventListener('change', () => { view.state = stateSelect.value as TableView['state']; save(); drawTable(); });
tagSelect.addEventListener('change', () => { view.tag = tagSelect.value; save(); drawTable(); });
compareButton.addEventListener('click', () => {
  const ids = selectedIds();
  if (ids.length === 0) return;
  api.post({ type: 'runs/compare', runIds: ids.slice(0, MAX_COMPARED_RUNS) });
});
clearButton.addEventListener('click', () => { view.selected = []; save(); drawTable(); });

/** Selected runs that still exist, in the table's current order. */
function selectedIds(): string[] {
  const order = visibleRows(rows, paramKeys, { ...view, filter: '', state: 'all', tag: '' }).map((r) => r.runId);
  return order.filter((id) => view.selected.includes(id));
}

// ---- drawing --------------------------------------------------------------------------------
function drawFilters(): void {
  setOptions(stateSelect, [{ value: 'all', label: 'all' }, ...LISTED_STATES.map((s) => ({ value: s, label: s }))], view.state);
  const tags = allTags(rows);
  if (view.tag && !tags.includes(view.tag)) tags.push(view.tag); // keep a filter the user chose, even with no run left
  setOptions(tagSelect, [{ value: '', label: 'any' }, ...tags.map((t) => ({ value: t, label: t }))], view.tag);
}

function headerCell(key: ColumnKey): HTMLTableCellElement {
  const sorted = view.sort.key === key;
  const button = el('button', { class: 'sort', type: 'button', 'data-key': key, title: `Sort by ${columnTitle(key)}` },
    columnTitle(key), el('span', { class: 'arrow', 'aria-hidden': 'true' }, sorted ? (view.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''));
  button.addEventListener('click', () => {
    // A new column starts descending for numbers people rank by (best, step, start), ascending otherwise.
    const firstDir = key === 'best' || key === 'step' || key === 'started' ? 'desc' : 'asc';
    view.sort = sorted ? { key, dir: view.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: firstDir };
    save();
    drawTable();
  });
  const th = el('th', { scope: 'col', 'data-key': key, class: key.startsWith('param:') ? 'param' : key }, button);
  th.setAttribute('aria-sort', sorted ? (view.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  return th;
}

function editor(row: RunRow, field: 'notes' | 'tags'): HTMLElement {
  const input = field === 'notes'
    ? el('textarea', { class: 'edit', rows: '3', maxlength: String(MAX_NOTES_LENGTH), 'aria-label': `notes of ${row.runId}` })
    : el('input', { class: 'edit', type: 'text', 'aria-label': `tags of ${row.runId}`, placeholder: 'tag, another tag' });
  input.value = field === 'notes' ? row.notes : row.tags.join(', ');
  let done = false;
  const finish = (commit: boolean): void => {
    if (done) return;
    done = true;
    editing = undefined;
    if (commit) {
      const notes = field === 'notes' ? input.value : row.notes;
      const tags = field === 'tags' ? splitTags(input.value) : [...row.tags];
      // Checked here with the host's own parser: a message the host refuses would be dropped without an answer.
      const checked = parseAnnotations({ notes, tags });
      if (!checked.ok) showPanelError(`The ${field} of ${row.runId} were not saved: ${checked.error.replace(/^annotations\./, '')}`);
      else if (notes !== row.notes || tags.join('\n') !== row.tags.join('\n')) {
        clearPanelError();
        api.post({ type: 'run/annotate', requestId: nextRequestId++, runId: row.runId, notes, tags: [...checked.message.tags] });
        statusLine.textContent = `Saving the ${field} of ${row.runId}…`;
      }
    }
    drawTable();
  };
  input.addEventListener('keydown', (e) => {
    const ke = e as KeyboardEvent;
    if (ke.key === 'Escape') finish(false);
    // Enter saves; in notes Shift+Enter starts a new line.
    else if (ke.key === 'Enter' && !(field === 'notes' && ke.shiftKey)) {
      e.preventDefault();
      finish(true);
    }
  });
  input.addEventListener('blur', () => finish(true));
  queueMicrotask(() => input.focus());
  return input;
}

function editableCell(row: RunRow, field: 'notes' | 'tags'): HTMLTableCellElement {
  if (editing?.runId === row.runId && editing.field === field) return el('td', { class: `${field} editing` }, editor(row, field));
  const content = field === 'tags'
    ? el('span', {}, ...row.tags.map((t) => el('span', { class: 'tag' }, t)))
    : el('span', { class: 'note-text' }, row.notes);
  const edit = el('button', { class: 'edit-button', type: 'button', title: `Edit the ${field}`, 'aria-label': `edit ${field} of ${row.runId}` }, '✎');
  const td = el('td', { class: field, title: 'Double-click to edit' }, content, edit);
  const start = (): void => {
    editing = { runId: row.runId, field };
    drawTable();
  };
  edit.addEventListener('click', start);
  td.addEventListener('dblclick', start);
  return td;
}

function bodyRow(row: RunRow, columns: readonly ColumnKey[]): HTMLTableRowElement {
  const selected = view.selected.includes(row.runId);
  const box = el('input', { type: 'checkbox', class: 'select', 'aria-label': `select ${row.runId}` });
  box.checked = selected;
  box.addEventListener('change', () => {
    view.selected = box.checked ? [...view.selected.filter((id) => id !== row.runId), row.runId] : view.selected.filter((id) => id !== row.runId);
    save();
    drawTable();
  });
  const cells = columns.map((key) => {
    if (key === 'notes' || key === 'tags') return editableCell(row, key);
    const text = cellText(row, key);
    const td = el('td', { class: key.startsWith('param:') ? 'param' : key }, text);
    if (key.startsWith('param:')) td.title = text; // long values (layer specs) are cut in the cell
    if (key === 'state') {
      td.classList.add(`state-${row.state}`);
      if (row.problem) td.title = row.problem;
    }
    if (key === 'best' && row.best) td.title = `${row.best.metric} = ${row.best.value} at meta-step ${row.best.step}`;
    return td;
  });
  const allowed = allowedActions(row.state);
  const actions = el('td', { class: 'actions' }, ...ACTIONS.map(({ action, label, title }) => {
    const b = el('button', { type: 'button', class: `action ${action}`, 'data-action': action, title }, label);
    b.disabled = !allowed.has(action);
    b.addEventListener('click', () => api.post({ type: 'run/action', action, runId: row.runId }));
    return b;
  }));
  // Actions next to the checkbox: with many hyperparameter columns the row's end is scrolled out of sight.
  const tr = el('tr', { 'data-run-id': row.runId, class: selected ? 'selected' : '' }, el('td', { class: 'select' }, box), actions, ...cells);
  return tr;
}

function drawTable(): void {
  const columns = columnsOf(paramKeys);
  const shown = visibleRows(rows, paramKeys, view);
  const known = new Set(rows.map((r) => r.runId));
  view.selected = view.selected.filter((id) => known.has(id) || !loaded);
  const head = el('thead', {}, el('tr', {}, el('th', { class: 'select', scope: 'col' }, ''), el('th', { scope: 'col', class: 'actions' }, 'actions'), ...columns.map(headerCell)));
  const body = el('tbody', {}, ...shown.map((r) => bodyRow(r, columns)));
  table.replaceChildren(head, body);
  const nSel = selectedIds().length;
  compareButton.toggleAttribute('disabled', nSel === 0);
  if (!loaded) return;
  statusLine.textContent = rows.length === 0
    ? 'No runs yet: train an experiment (Train VS-ML) or run `vsml train`; runs appear here as they start.'
    : `${shown.length} of ${rows.length} runs shown · ${nSel} selected${nSel > MAX_COMPARED_RUNS ? ` (Compare opens the first ${MAX_COMPARED_RUNS})` : ''}` +
      `${paramKeys.length ? ` · differing hyperparameters: ${paramKeys.join(', ')}` : ''}`;
}

function show(data: { rows: readonly RunRow[]; paramKeys: readonly string[] }): void {
  clearPanelError();
  rows = [...data.rows];
  paramKeys = [...data.paramKeys];
  loaded = true;
  if (editing && !rows.some((r) => r.runId === editing!.runId)) editing = undefined;
  drawFilters();
  drawTable();
  save();
}

function handle(m: HostToRunsTableMessage): void {
  switch (m.type) {
    case 'runs/snapshot':
    case 'runs/changed':
      // Redrawing under an open editor would lose what is being typed; the next change redraws.
      if (m.type === 'runs/changed' && editing) {
        rows = [...m.rows];
        paramKeys = [...m.paramKeys];
        return;
      }
      show(m);
      break;
    case 'run/annotated':
      if (m.error) showPanelError(`Could not save the notes and tags of ${m.runId}: ${m.error}`);
      else statusLine.textContent = `Saved the notes and tags of ${m.runId}.`;
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

drawFilters();
drawTable();
onHostMessage(parseHostToRunsTableMessage, handle, api.log);
api.post({ type: 'ready' });
