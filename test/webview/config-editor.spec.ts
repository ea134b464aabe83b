/**
 * The config editor in headless Chromium: the form generated from schemas/experiment.schema.json
 * over a document prepared by the extension's own configDocumentState; edits are posted as
 * config/set with typed values, applied by the extension's own configEdits (the text stays valid
 * JSON, comments kept), and the new document flows back into the form; problems show inline.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'jsonc-parser';
import { Harness, PanelPage, openPanel, startHarness } from './harness';
import { REPO_ROOT } from '../helpers/paths';
import { configDocumentState } from '../../src/extension/panels/config-document';
import { applyTextEdits, configEdits } from '../../src/extension/panels/config-edits';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/experiment.schema.json'), 'utf8')) as unknown;
const FILE = 'examples/small.vsml.json';
const TEXT = `{
  // A small experiment for the form tests.
  "name": "small",
  "training": { "iterations": 200, "episode_length": 50, "population_size": 64 },
  "model": { "sub_rnn": { "slow_size": 16, "msg_size": 8 } }
}
`;

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

async function open(theme: 'light' | 'dark', text = TEXT): Promise<PanelPage> {
  const p = await openPanel(h, 'config-editor', theme, { width: 1000, height: 1400 });
  await p.send({ type: 'config/init', schema, fileName: FILE, document: configDocumentState(text, FILE, 1), canTrain: true });
  return p;
}

const valueOf = (p: PanelPage, id: string): Promise<unknown> =>
  p.page.evaluate((i) => {
    const e = document.getElementById(i) as (HTMLElement & { value?: string; checked?: boolean }) | null;
    if (!e) return '<missing>';
    return e.tagName === 'VSCODE-CHECKBOX' ? e.checked : e.value;
  }, id);

async function typeInto(p: PanelPage, id: string, value: string): Promise<void> {
  await p.page.evaluate(([i, v]) => {
    const e = document.getElementById(i) as HTMLElement & { value: string };
    e.value = v;
    e.dispatchEvent(new Event('change'));
  }, [id, value]);
}

test('the form follows the schema and the document', async () => {
  const p = await open('dark');
  assert.equal(await valueOf(p, 'field-training.iterations'), '200');
  assert.equal(await p.page.getAttribute('#field-training.iterations'.replace('.', '\\.'), 'type'), 'number');
  assert.equal(await p.page.getAttribute('#field-training\\.iterations', 'min'), '1');
  // Absent values show their defaults; an enum is a dropdown, a boolean a checkbox.
  assert.equal(await valueOf(p, 'field-model.sub_rnn.layer_norm'), false);
  assert.equal(await p.page.evaluate(() => document.getElementById('field-optimizer.type')?.tagName), 'VSCODE-SINGLE-SELECT');
  assert.equal(await valueOf(p, 'field-optimizer.type'), '"es"');
  // Descriptions are the hints.
  const row = p.page.locator('.field[data-path="training.iterations"] vscode-form-helper');
  assert.match((await row.textContent()) ?? '', /meta-steps/);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
});

test('edits are posted as typed values, give valid JSON text, and come back into the form', async () => {
  const p = await open('light');
  await typeInto(p, 'field-training.iterations', '321');
  // A nested section starts closed: open it as a user would, then tick the box.
  await p.page.locator('#section-model\\.sub_rnn').click({ position: { x: 40, y: 10 } });
  await p.page.locator('#field-model\\.sub_rnn\\.layer_norm').click();
  assert.ok(((await p.savedState()) as { open: string[] }).open.includes('model.sub_rnn'), 'the open section is remembered');
  await typeInto(p, 'field-evaluation.datasets', '["mnist", "kmnist"]');
  await typeInto(p, 'field-training.episode_length', '12.5'); // not an integer: refused in the form
  const edits = (await p.posts()).filter((m) => m.type === 'config/set');
  assert.deepEqual(edits, [
    { type: 'config/set', path: ['training', 'iterations'], value: 321 },
    { type: 'config/set', path: ['model', 'sub_rnn', 'layer_norm'], value: true },
    { type: 'config/set', path: ['evaluation', 'datasets'], value: ['mnist', 'kmnist'] },
  ]);
  assert.match((await p.page.locator('#field-training\\.episode_length-problems').textContent()) ?? '', /whole number/);
  // The host applies them as text edits: still valid JSON, the comment kept.
  let text = TEXT;
  for (const e of edits) text = applyTextEdits(text, configEdits(text, e.path as string[], e.value));
  assert.ok(text.includes('// A small experiment for the form tests.'));
  const errors: unknown[] = [];
  const value = parse(text, errors as never) as { training: { iterations: number }; model: { sub_rnn: { layer_norm: boolean } }; evaluation: { datasets: string[] } };
  assert.deepEqual(errors, []);
  assert.equal(value.training.iterations, 321);
  assert.equal(value.model.sub_rnn.layer_norm, true);
  assert.deepEqual(value.evaluation.datasets, ['mnist', 'kmnist']);
  assert.doesNotThrow(() => JSON.parse(text.replace(/^\s*\/\/.*$/m, '')));
  // The changed document (as after an external edit, undo or git checkout) updates the form.
  await p.send({ type: 'config/document', document: configDocumentState(text, FILE, 2) });
  assert.equal(await valueOf(p, 'field-training.iterations'), '321');
  assert.equal(await valueOf(p, 'field-model.sub_rnn.layer_norm'), true);
  // Reset removes the key; Train asks the host to run vsml.train.
  await p.page.locator('.field[data-path="training.iterations"] .reset').click();
  await p.page.locator('#train').click();
  const last = (await p.posts()).slice(-2);
  assert.deepEqual(last, [{ type: 'config/remove', path: ['training', 'iterations'] }, { type: 'train' }]);
  await p.page.close();
});

test('validation problems appear under their field; a parse error disables the form', async () => {
  const bad = TEXT.replace('"iterations": 200', '"iterations": 0').replace('"msg_size": 8', '"msg_size": 1');
  const doc = configDocumentState(bad, FILE, 3);
  assert.ok(doc.problems.some((x) => x.path === 'training.iterations'), JSON.stringify(doc.problems));
  for (const theme of ['light', 'dark'] as const) {
    const p = await open(theme, bad);
    const msg = (await p.page.locator('#field-training\\.iterations-problems').textContent()) ?? '';
    assert.match(msg, /must be >= 1/);
    await p.page.locator('#field-training\\.iterations').scrollIntoViewIfNeeded();
    await p.screenshot(`config-editor-${theme}`);
    await p.send({ type: 'config/document', document: configDocumentState('{ "training": { ', FILE, 4) });
    assert.match((await p.page.locator('#banner').textContent()) ?? '', /not valid JSON/);
    await p.page.close();
  }
});

test('config editor rejects malformed host messages and logs them', async () => {
  const p = await open('dark');
  await p.send({ type: 'config/document', document: { value: {}, problems: 'none', version: 5 } });
  await p.send({ type: 'config/init', schema, fileName: 42, document: configDocumentState(TEXT, FILE, 1), canTrain: true });
  await p.send({ type: 'eval' });
  const logs = (await p.posts()).filter((m) => m.type === 'log');
  assert.equal(logs.length, 3);
  assert.equal(await valueOf(p, 'field-training.iterations'), '200');
  await p.page.close();
});
