/**
 * The runs table in headless Chromium on the harness page (real CSP): rows as the host sends them
 * (the listing of recorded runs, and rows made to probe sorting), then what a user does: sort by
 * clicking headers (best accuracy as a number), filter by text, state and tag, select rows and
 * Compare, row actions, and notes and tags edited in place; each checked by what the panel shows
 * and what it posts to the host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Harness, PanelPage, openPanel, startHarness } from './harness';
import { FIXTURE_RUNS, fixtureRunId } from './fixture-runs';
import { listRunsIn, paramKeysOf } from '../../src/engine/runs/runs-listing';
import type { RunRow } from '../../src/protocol/runs-table';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const row = (runId: string, o: Partial<RunRow> = {}): RunRow => ({
  runId, state: 'finished', step: 10, totalSteps: 10, startedAt: '2026-12-01T10:00:00.000Z', config: 'a.vsml.json', notes: '', tags: [], params: {}, ...o,
});
const best = (value: number) => ({ metric: 'eval/mnist/learned/meanAccuracy', value, step: 10 });

/** Best accuracies whose text sorts differently from their value (9.5% after 41.0% as text). */
const PROBE: RunRow[] = [
  row('a-lr3', { best: best(0.095), params: { 'optimizer.lr': 0.001, 'training.population_size': 8 }, tags: ['sweep'], startedAt: '2026-12-01T10:00:03.000Z' }),
  row('b-lr1', { best: best(0.41), params: { 'optimizer.lr': 0.1, 'training.population_size': 8 }, tags: ['sweep', 'best'], notes: 'the keeper', startedAt: '2026-12-01T10:00:02.000Z' }),
  row('c-lr2', { best: best(0.15), params: { 'optimizer.lr': 0.01, 'training.population_size': 16 }, state: 'stopped', step: 4, startedAt: '2026-12-01T10:00:01.000Z' }),
  row('d-new', { state: 'running', step: 2, params: { 'optimizer.lr': 0.02, 'training.population_size': 16 }, startedAt: '2026-12-01T10:00:04.000Z' }),
];
const PROBE_KEYS = ['optimizer.lr', 'training.population_size'];

async function openTable(theme: 'light' | 'dark' | 'hc' = 'dark', restoredState?: unknown): Promise<PanelPage> {
  const p = await openPanel(h, 'runs-table', theme, { width: 1400, height: 700 }, restoredState);
  await p.send({ type: 'runs/snapshot', rows: PROBE, paramKeys: PROBE_KEYS });
  return p;
}

const shownIds = (p: PanelPage): Promise<string[]> =>
  p.page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run-id') ?? ''));
const clickHeader = async (p: PanelPage, key: string): Promise<void> => {
  await p.page.click(`#runs th[data-key="${key}"] button.sort`);
};
const postsOf = async (p: PanelPage, type: string) => (await p.posts()).filter((m) => m.type === type);

async function setField(p: PanelPage, id: string, value: string, event: 'input' | 'change'): Promise<void> {
  await p.page.evaluate(([sel, v, ev]) => {
    const e = document.getElementById(sel) as HTMLElement & { value: string };
    e.value = v;
    e.dispatchEvent(new Event(ev));
  }, [id, value, event] as const);
}

test('runs table: one row per run with the hyperparameter columns; sorted by best accuracy as a number, empty last', async () => {
  const p = await openTable();
  const heads = await p.page.$$eval('#runs thead th', (ths) => ths.map((th) => th.textContent?.replace(/[▲▼]/g, '').trim()));
  assert.deepEqual(heads, ['', 'actions', 'run', 'state', 'step / total', 'best', 'started', 'config', 'notes', 'tags', 'optimizer.lr', 'training.population_size']);
  // The host's order is kept until the user sorts: newest start first by default.
  assert.deepEqual(await shownIds(p), ['d-new', 'a-lr3', 'b-lr1', 'c-lr2']);
  await clickHeader(p, 'best');
  assert.deepEqual(await shownIds(p), ['b-lr1', 'c-lr2', 'a-lr3', 'd-new']);
  assert.equal(await p.page.getAttribute('#runs th[data-key="best"]', 'aria-sort'), 'descending');
  assert.equal(await p.page.textContent('#runs tr[data-run-id="a-lr3"] td.best'), '9.5% mnist @10');
  await clickHeader(p, 'best');
  assert.deepEqual(await shownIds(p), ['a-lr3', 'c-lr2', 'b-lr1', 'd-new']);
  assert.equal(await p.page.getAttribute('#runs th[data-key="best"]', 'aria-sort'), 'ascending');
  // A numeric hyperparameter sorts as a number too (0.001 < 0.01 < 0.02 < 0.1).
  await clickHeader(p, 'param:optimizer.lr');
  assert.deepEqual(await shownIds(p), ['a-lr3', 'c-lr2', 'd-new', 'b-lr1']);
  assert.deepEqual((await p.savedState() as { sort: unknown }).sort, { key: 'param:optimizer.lr', dir: 'asc' });
  await clickHeader(p, 'run');
  assert.deepEqual(await shownIds(p), ['a-lr3', 'b-lr1', 'c-lr2', 'd-new']);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.consoleErrors, []);
  await p.page.close();
});

test('runs table: the text filter searches every cell (all words), the state and tag filters narrow it, the status counts', async () => {
  const p = await openTable();
  await setField(p, 'filter', 'keeper', 'input');
  assert.deepEqual(await shownIds(p), ['b-lr1']);
  await setField(p, 'filter', '0.01', 'input'); // a hyperparameter value (0.01 only, not 0.001)
  assert.deepEqual(await shownIds(p), ['c-lr2']);
  await setField(p, 'filter', 'SWEEP 16', 'input'); // both words: no run is in the sweep with population 16
  assert.deepEqual(await shownIds(p), []);
  await setField(p, 'filter', '', 'input');
  await setField(p, 'state-filter', 'running', 'change');
  assert.deepEqual(await shownIds(p), ['d-new']);
  await setField(p, 'state-filter', 'all', 'change');
  const tagOptions = await p.page.$$eval('#tag-filter vscode-option', (os) => os.map((o) => o.getAttribute('value')));
  assert.deepEqual(tagOptions, ['', 'best', 'sweep']);
  await setField(p, 'tag-filter', 'sweep', 'change');
  assert.deepEqual(await shownIds(p), ['a-lr3', 'b-lr1']);
  assert.match((await p.page.textContent('#status'))!, /^2 of 4 runs shown · 0 selected · differing hyperparameters: optimizer\.lr, training\.population_size$/);
  const saved = await p.savedState() as { filter: string; state: string; tag: string };
  assert.deepEqual([saved.filter, saved.state, saved.tag], ['', 'all', 'sweep']);
  await p.page.close();
});

test('runs table: the view comes back from the saved state (a reload), and live updates keep the selection', async () => {
  const p = await openTable('light', { sort: { key: 'best', dir: 'asc' }, filter: 'lr', state: 'all', tag: '', selected: ['b-lr1', 'gone'] });
  assert.deepEqual(await shownIds(p), ['a-lr3', 'c-lr2', 'b-lr1']);
  assert.equal(await p.page.evaluate(() => (document.getElementById('filter') as HTMLElement & { value: string }).value), 'lr');
  assert.equal(await p.page.isChecked('#runs tr[data-run-id="b-lr1"] input.select'), true);
  await setField(p, 'filter', '', 'input');
  assert.deepEqual(await shownIds(p), ['a-lr3', 'c-lr2', 'b-lr1', 'd-new']);
  // A run finished meanwhile: the host re-sends the table.
  await p.send({ type: 'runs/changed', rows: PROBE.map((r) => (r.runId === 'd-new' ? { ...r, state: 'finished', step: 10, best: best(0.2) } : r)), paramKeys: PROBE_KEYS });
  assert.deepEqual(await shownIds(p), ['a-lr3', 'c-lr2', 'd-new', 'b-lr1']);
  assert.equal(await p.page.textContent('#runs tr[data-run-id="d-new"] td.state'), 'finished');
  assert.deepEqual((await p.savedState() as { selected: string[] }).selected, ['b-lr1']);
  await p.page.close();
});

test('runs table: selecting rows and Compare posts runs/compare with the selected runs in table order', async () => {
  const p = await openTable();
  assert.equal(await p.page.getAttribute('#compare', 'disabled'), '');
  await p.page.check('#runs tr[data-run-id="c-lr2"] input.select');
  await p.page.check('#runs tr[data-run-id="a-lr3"] input.select');
  assert.equal(await p.page.getAttribute('#compare', 'disabled'), null);
  assert.match((await p.page.textContent('#status'))!, /· 2 selected/);
  await p.page.click('#compare');
  assert.deepEqual(await postsOf(p, 'runs/compare'), [{ type: 'runs/compare', runIds: ['a-lr3', 'c-lr2'] }]);
  await p.page.uncheck('#runs tr[data-run-id="a-lr3"] input.select');
  await p.page.click('#compare');
  assert.deepEqual((await postsOf(p, 'runs/compare'))[1], { type: 'runs/compare', runIds: ['c-lr2'] });
  await p.page.click('#clear-selection');
  assert.equal(await p.page.getAttribute('#compare', 'disabled'), '');
  await p.page.close();
});

test('runs table: row actions post run/action, and only the ones the run state allows are enabled', async () => {
  const p = await openTable();
  const enabled = (id: string) => p.page.$$eval(`#runs tr[data-run-id="${id}"] button.action`, (bs) => bs.filter((b) => !(b as HTMLButtonElement).disabled).map((b) => b.getAttribute('data-action')));
  assert.deepEqual(await enabled('d-new'), ['open', 'evaluate', 'stop']);
  assert.deepEqual(await enabled('c-lr2'), ['open', 'resume', 'evaluate', 'delete']);
  assert.deepEqual(await enabled('b-lr1'), ['open', 'evaluate', 'delete']);
  await p.page.click('#runs tr[data-run-id="d-new"] button.action.stop');
  await p.page.click('#runs tr[data-run-id="c-lr2"] button.action.resume');
  await p.page.click('#runs tr[data-run-id="b-lr1"] button.action.delete');
  await p.page.click('#runs tr[data-run-id="b-lr1"] button.action.open');
  await p.page.click('#runs tr[data-run-id="a-lr3"] button.action.evaluate');
  assert.deepEqual((await postsOf(p, 'run/action')).map((m) => `${m.action} ${m.runId}`), ['stop d-new', 'resume c-lr2', 'delete b-lr1', 'open b-lr1', 'evaluate a-lr3']);
  await p.page.close();
});

test('runs table: notes and tags are edited in place (Enter saves, Escape cancels); a refused save shows why', async () => {
  const p = await openTable();
  await p.page.click('#runs tr[data-run-id="a-lr3"] td.notes button.edit-button');
  await p.page.fill('#runs tr[data-run-id="a-lr3"] td.notes textarea', 'lr too low');
  await p.page.press('#runs tr[data-run-id="a-lr3"] td.notes textarea', 'Enter');
  await p.page.dblclick('#runs tr[data-run-id="c-lr2"] td.tags');
  await p.page.fill('#runs tr[data-run-id="c-lr2"] td.tags input', ' stopped early, sweep ,, ');
  await p.page.press('#runs tr[data-run-id="c-lr2"] td.tags input', 'Enter');
  await p.page.dblclick('#runs tr[data-run-id="b-lr1"] td.notes');
  await p.page.fill('#runs tr[data-run-id="b-lr1"] td.notes textarea', 'not saved');
  await p.page.press('#runs tr[data-run-id="b-lr1"] td.notes textarea', 'Escape');
  const posts = await postsOf(p, 'run/annotate');
  assert.deepEqual(posts.map(({ runId, notes, tags }) => ({ runId, notes, tags })), [
    { runId: 'a-lr3', notes: 'lr too low', tags: ['sweep'] },
    { runId: 'c-lr2', notes: '', tags: ['stopped early', 'sweep'] },
  ]);
  assert.notEqual(posts[0].requestId, posts[1].requestId);
  assert.equal(await p.page.$$eval('#runs textarea, #runs input.edit', (e) => e.length), 0);
  // A tag too long for annotations.json is refused in the panel, saying why, and nothing is posted.
  await p.page.dblclick('#runs tr[data-run-id="d-new"] td.tags');
  await p.page.fill('#runs tr[data-run-id="d-new"] td.tags input', `ok, ${'x'.repeat(41)}`);
  await p.page.press('#runs tr[data-run-id="d-new"] td.tags input', 'Enter');
  assert.match((await p.page.textContent('#panel-error'))!, /The tags of d-new were not saved: tags\[1\]: expected a tag of 1 to 40 characters/);
  assert.equal((await postsOf(p, 'run/annotate')).length, 2);
  await p.send({ type: 'run/annotated', requestId: posts[1].requestId, runId: 'c-lr2', error: 'annotations.json: is a symbolic link' });
  assert.match((await p.page.textContent('#panel-error'))!, /Could not save the notes and tags of c-lr2: annotations\.json: is a symbolic link/);
  await p.page.close();
});

test('runs table: malformed host messages are dropped and logged, never drawn', async () => {
  const p = await openTable();
  await p.send({ type: 'runs/changed', rows: [{ ...PROBE[0], runId: '../etc' }], paramKeys: [] });
  await p.send({ type: 'runs/changed', rows: [{ ...PROBE[0], best: { metric: 'x', value: 'high', step: 1 } }], paramKeys: [] });
  assert.deepEqual(await shownIds(p), ['d-new', 'a-lr3', 'b-lr1', 'c-lr2']);
  const logs = (await p.posts()).filter((m) => m.type === 'log').map((m) => String(m.message));
  assert.equal(logs.length, 2);
  assert.match(logs[0], /runs\/changed\.rows\[0\]\.runId: expected a run id/);
  assert.match(logs[1], /runs\/changed\.rows\[0\]\.best\.value: expected a finite number, got "high"/);
  await p.page.close();
});

test('runs table: the listing of recorded runs (as vsml runs --json gives it) is shown with its differing hyperparameters; screenshots', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-runs-table-'));
  for (const prefix of ['pooled-mnist', 'deep-layerwise'] as const) cpSync(join(FIXTURE_RUNS, fixtureRunId(prefix)), join(runs, fixtureRunId(prefix)), { recursive: true });
  const copy = join(runs, 'pooled-mnist-20261201-000000-beef');
  cpSync(join(runs, fixtureRunId('pooled-mnist')), copy, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8'));
  cfg.optimizer.lr = 0.123;
  writeFileSync(join(copy, 'config.json'), JSON.stringify(cfg));
  writeFileSync(join(copy, 'annotations.json'), JSON.stringify({ notes: 'higher meta learning rate', tags: ['lr sweep'] }));
  const listing = await listRunsIn([runs]);
  const rows = listing.map(({ dir, ...r }) => (void dir, r));
  for (const theme of ['dark', 'light'] as const) {
    const p = await openPanel(h, 'runs-table', theme, { width: 1500, height: 420 });
    await p.send({ type: 'runs/snapshot', rows, paramKeys: paramKeysOf(listing) });
    assert.equal((await shownIds(p)).length, 3);
    const heads = await p.page.$$eval('#runs thead th', (ths) => ths.map((th) => th.getAttribute('data-key')));
    assert.ok(heads.includes('param:optimizer.lr'), heads.join());
    const lrCell = await p.page.$$eval('#runs tr[data-run-id="pooled-mnist-20261201-000000-beef"] td', (tds, i) => tds[i].textContent, heads.indexOf('param:optimizer.lr'));
    assert.equal(lrCell, '0.123');
    assert.equal(await p.page.textContent('#runs tr[data-run-id="pooled-mnist-20261201-000000-beef"] td.tags'), 'lr sweep✎');
    await clickHeader(p, 'best');
    await p.screenshot(`runs-table-${theme}`);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.consoleErrors, []);
    await p.page.close();
  }
});
