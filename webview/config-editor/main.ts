/**
 * The config editor: a form generated from schemas/experiment.schema.json over a *.vsml.json
 * document. The text stays the truth: every change is a `config/set` or `config/remove` for the
 * host to apply as a WorkspaceEdit, and the form follows the document the host sends back (also
 * after typing in the text editor, undo, redo or git). Validation problems appear under their field.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '../shared/panel.css';
import './config-editor.css';
import { ConfigDocumentState, ConfigToHostMessage, HostToConfigMessage, parseHostToConfigMessage } from '../../src/protocol/config-panel';
import { ce, el } from '../shared/dom';
import { onHostMessage, panelApi } from '../shared/vscode-api';
import { FormField, dotted, formFields, parseFieldInput, valueAt } from './schema-walk';
import { WAITING_TEXT, clearPanelError, showPanelError } from '../shared/panel-error';

interface EditorState {
  /** Dotted paths of the sections the user opened. */
  open: string[];
}

const api = panelApi<ConfigToHostMessage, EditorState>();
const saved = api.savedState() as Partial<EditorState> | undefined;
const state: EditorState = { open: Array.isArray(saved?.open) ? saved.open.filter((s): s is string => typeof s === 'string') : ['training', 'model'] };
const save = (): void => api.saveState(state);

interface Bound {
  field: FormField;
  control: HTMLElement;
  problems: HTMLElement;
  reset: HTMLElement;
  /** Shows the document's value (undefined = absent, the schema default applies). */
  show(value: unknown): void;
}

const app = document.getElementById('app')!;
const heading = el('h1', {}, 'VS-ML Experiment');
const fileLine = el('p', { class: 'muted', id: 'file' }, WAITING_TEXT);
const trainButton = ce('vscode-button', { id: 'train', title: 'Save and run Train VS-ML on this file' }, 'Train');
const banner = el('div', { id: 'banner', class: 'banner hidden' });
const otherProblems = el('ul', { id: 'other-problems', class: 'error' });
const form = el('div', { id: 'form' });
app.append(heading, fileLine, el('div', { class: 'toolbar' }, trainButton), banner, otherProblems, form);

const bound = new Map<string, Bound>();
let current: ConfigDocumentState | null = null;

trainButton.addEventListener('click', () => {
  if (trainButton.hasAttribute('disabled')) return;
  api.post({ type: 'train' });
});

const display = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function post(field: FormField, value: unknown): void {
  api.post({ type: 'config/set', path: field.path, value });
}

function fieldRow(f: FormField): HTMLElement {
  const id = `field-${dotted(f.path)}`;
  const problems = el('div', { class: 'field-problems error', id: `${id}-problems` });
  const localError = (msg: string): void => {
    problems.textContent = msg;
  };
  let control: HTMLElement;
  let show: (v: unknown) => void;
  const defaultText = f.default === undefined ? '' : ` (default ${display(f.default)})`;
  switch (f.kind) {
    case 'boolean': {
      control = ce('vscode-checkbox', { id, label: f.key });
      const box = control as HTMLElement & { checked: boolean };
      show = (v) => { box.checked = v === undefined ? f.default === true : v === true; };
      control.addEventListener('change', () => post(f, box.checked));
      break;
    }
    case 'enum': {
      control = ce('vscode-single-select', { id });
      const sel = control as HTMLElement & { value: string };
      const opts = f.options ?? [];
      control.replaceChildren(...opts.map((o) => ce('vscode-option', { value: JSON.stringify(o) }, display(o))));
      show = (v) => { sel.value = JSON.stringify(v === undefined ? f.default ?? opts[0] : v); };
      control.addEventListener('change', () => {
        try {
          post(f, JSON.parse(sel.value) as unknown);
        } catch {
          localError('unknown option');
        }
      });
      break;
    }
    case 'json': {
      control = ce('vscode-textfield', { id, placeholder: display(f.default) });
      const tf = control as HTMLElement & { value: string };
      show = (v) => { tf.value = v === undefined ? '' : typeof v === 'string' && f.acceptsString ? v : JSON.stringify(v); };
      control.addEventListener('change', () => {
        if (tf.value.trim() === '') return api.post({ type: 'config/remove', path: f.path });
        const r = parseFieldInput(f, tf.value);
        if ('error' in r) localError(r.error);
        else post(f, r.value);
      });
      break;
    }
    default: {
      const attrs: Record<string, string> = { id, placeholder: display(f.default) };
      if (f.kind === 'number' || f.kind === 'integer') {
        attrs.type = 'number';
        if (f.min !== undefined) attrs.min = String(f.min);
        if (f.max !== undefined) attrs.max = String(f.max);
        if (f.kind === 'integer') attrs.step = '1';
      }
      control = ce('vscode-textfield', attrs);
      const tf = control as HTMLElement & { value: string };
      show = (v) => { tf.value = v === undefined ? '' : display(v); };
      control.addEventListener('change', () => {
        if (tf.value.trim() === '' && f.kind !== 'string') return api.post({ type: 'config/remove', path: f.path });
        const r = parseFieldInput(f, tf.value);
        if ('error' in r) localError(`${f.key}: ${r.error}`);
        else post(f, r.value);
      });
    }
  }
  const reset = ce('vscode-button', { secondary: '', class: 'reset', title: `Remove ${dotted(f.path)} from the file (the default applies)` }, 'Reset');
  reset.addEventListener('click', () => api.post({ type: 'config/remove', path: f.path }));
  const label = f.kind === 'boolean' ? null : ce('vscode-label', { for: id }, f.key);
  const hint = ce('vscode-form-helper', {}, `${f.description ?? ''}${defaultText}`);
  const row = el('div', { class: 'field', 'data-path': dotted(f.path) }, label ?? '', el('div', { class: 'field-control' }, control, reset), hint, problems);
  bound.set(dotted(f.path), { field: f, control, problems, reset, show });
  return row;
}

function section(f: FormField): HTMLElement {
  const path = dotted(f.path);
  const box = ce('vscode-collapsible', { title: f.key, id: `section-${path}` });
  if (f.description) box.setAttribute('description', f.description.length > 80 ? `${f.description.slice(0, 77)}…` : f.description);
  if (state.open.includes(path)) box.setAttribute('open', '');
  box.addEventListener('vsc-collapsible-toggle', (e) => {
    const open = (e as CustomEvent<{ open: boolean }>).detail?.open ?? box.hasAttribute('open');
    state.open = open ? [...new Set([...state.open, path])] : state.open.filter((p) => p !== path);
    save();
  });
  const body = el('div', { class: 'section-body' }, ...(f.children ?? []).map(render));
  box.append(body);
  return box;
}

function render(f: FormField): HTMLElement {
  return f.kind === 'section' ? section(f) : fieldRow(f);
}

function applyDocument(doc: ConfigDocumentState): void {
  current = doc;
  if (doc.parseError) {
    banner.textContent = `The file is not valid JSON (${doc.parseError}). Fix it in the text editor; the form follows.`;
    banner.className = 'banner error';
    form.classList.add('disabled');
  } else {
    banner.className = 'banner hidden';
    banner.textContent = '';
    form.classList.remove('disabled');
  }
  for (const [path, b] of bound) {
    const v = doc.value === null ? undefined : valueAt(doc.value, b.field.path);
    // Never overwrite what the user is typing in this very field.
    if (document.activeElement !== b.control) b.show(v);
    b.reset.classList.toggle('hidden', v === undefined);
    b.problems.textContent = '';
    void path;
  }
  const unplaced: string[] = [];
  for (const p of doc.problems) {
    // A problem belongs to the deepest field whose path is a prefix of it.
    let target: Bound | undefined;
    for (let path = p.path; path; path = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
      target = bound.get(path);
      if (target) break;
      if (!/(\.[^.[\]]+|\[\d+\])$/.test(path)) break;
    }
    // Under its own field the path would repeat what the field already says.
    const line = `${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`;
    if (target) target.problems.textContent = target.problems.textContent ? `${target.problems.textContent}\n${line}` : line;
    else unplaced.push(`${p.path ? `${p.path}: ` : ''}${line}`);
  }
  otherProblems.replaceChildren(...unplaced.map((t) => el('li', {}, t)));
}

function handle(m: HostToConfigMessage): void {
  switch (m.type) {
    case 'config/init': {
      clearPanelError();
      fileLine.textContent = m.fileName;
      bound.clear();
      form.replaceChildren(...formFields(m.schema).map(render));
      if (!m.canTrain) {
        trainButton.setAttribute('disabled', '');
        trainButton.title = 'Training is disabled in an untrusted workspace.';
      }
      applyDocument(m.document);
      break;
    }
    case 'config/document':
      if (current && m.document.version < current.version) break; // an older state overtaken by a newer one
      applyDocument(m.document);
      break;
    case 'panel/error':
      showPanelError(m.message, fileLine);
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}

onHostMessage(parseHostToConfigMessage, handle, api.log);
api.post({ type: 'ready' });
