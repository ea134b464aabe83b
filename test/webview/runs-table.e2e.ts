/**
 * The runs table in the real VS Code workbench (code-server + Debian Chromium): `npm run
 * test:webview:runs-table` (after `npm run package`). The setup records small real runs with the
 * CLI (one config, three settings of optimizer.lr / training.population_size / seed) and leaves one more
 * CLI training running. Then, as a user: open the table from the Experiments view's title button,
 * sort by best accuracy, write a note, stop the CLI-started run from its row (a stop request), select
 * the two best runs and Compare them in the metrics panel. Screenshots: test-results/runs-table-e2e/.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { endGroup, panelWith, sleep, startCodeServerSession, waitFor } from './code-server-session';
import { REPO_ROOT } from '../helpers/paths';

const OUT = join(REPO_ROOT, 'test-results', 'runs-table-e2e');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const t0 = Date.now();
const step = (m: string): void => console.log(`[runs-table-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** Random 3x3 inputs, 2 classes, float64 reference path: seconds per run. */
const sweepConfig = (iterations: number, evalEvery: number): string => JSON.stringify({
  name: iterations > 1000 ? 'endless' : 'sweep',
  training: { dataset: 'random', episode_length: 8, iterations, population_size: 2 },
  evaluation: { datasets: ['random'], episode_length: 8, frequency: evalEvery, count: 8 },
  random_dataset: { size: 4, target_count: 2, img_size: [3, 3, 1] },
  model: { sub_rnn: { msg_size: 4, slow_size: 4 } },
  baselines: { enabled: false },
  checkpoint: { frequency: evalEvery },
  engine: { path: 'reference', threads: 1 },
}, null, 2);

/** The seed differs too: with a few meta-steps the best accuracy is mostly the initial LA's, the same for one seed. */
const SWEEP = [
  { lr: 0.3, population: 2, seed: 1 },
  { lr: 0.03, population: 4, seed: 2 },
  { lr: 0.003, population: 2, seed: 3 },
];

interface Status { runId: string; state: string; step: number; best?: { value: number } }
const statusOf = (runsDir: string, id: string): Status => JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')) as Status;

async function main(): Promise<void> {
  assert.ok(existsSync(CLI), `no ${CLI}: run \`npm run package\` first`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  let runsDir = '';
  let endless: ChildProcess | undefined;
  let endlessId = '';
  const session = await startCodeServerSession(OUT, async (ws, env) => {
    runsDir = join(ws, '.vsml', 'runs');
    writeFileSync(join(ws, 'sweep.vsml.json'), sweepConfig(6, 3));
    for (const s of SWEEP) {
      execFileSync(process.execPath, [CLI, 'train', 'sweep.vsml.json', '--set', `optimizer.lr=${s.lr}`, '--set', `training.population_size=${s.population}`, '--set', `seed=${s.seed}`], { cwd: ws, env, stdio: 'ignore' });
    }
    step(`recorded ${SWEEP.length} sweep runs with the CLI`);
    // A CLI training that would never end on its own: the table stops it.
    writeFileSync(join(ws, 'endless.vsml.json'), sweepConfig(1_000_000, 1_000_000));
    endless = spawn(process.execPath, [CLI, 'train', 'endless.vsml.json'], { cwd: ws, env, stdio: 'ignore', detached: true });
    endlessId = await waitFor('the endless run to train', () => {
      const id = readdirSync(runsDir).find((d) => d.startsWith('endless-'));
      return id && existsSync(join(runsDir, id, 'status.json')) && statusOf(runsDir, id).state === 'running' ? id : undefined;
    }, 60_000);
    step(`CLI training ${endlessId} is running (pid ${endless.pid})`);
  });
  const { page, wb } = session;
  try {
    step('workbench loaded');
    // The Experiments view's title button.
    const button = page.locator('.sidebar a.action-label[aria-label="VS-ML: Open Runs Table"]').first();
    await button.waitFor({ timeout: 30_000 });
    await button.click();
    const table = await panelWith(page, '#runs');
    await waitFor('4 rows', async () => ((await table.locator('#runs tbody tr').count()) === 4 ? true : undefined), 30_000);
    const heads = await table.locator('#runs thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-key')));
    for (const k of ['param:optimizer.lr', 'param:training.population_size']) assert.ok(heads.includes(k), `column ${k} in ${heads.join(', ')}`);
    step(`table lists 4 runs; columns: ${heads.filter(Boolean).join(', ')}`);

    await table.locator('#runs th[data-key="best"] button.sort').click();
    const order = await table.locator('#runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run-id')!));
    const bests = order.map((id) => statusOf(runsDir, id).best?.value ?? Number.NEGATIVE_INFINITY);
    assert.ok(bests.every((b, i) => i === 0 || bests[i - 1] >= b), `sorted by best accuracy, descending: ${order.map((id, i) => `${id}=${bests[i]}`).join(', ')}`);
    assert.equal(await table.locator('#runs th[data-key="best"]').getAttribute('aria-sort'), 'descending');
    step(`sorted by best: ${order.map((id, i) => `${id} ${(100 * bests[i]).toFixed(1)}%`).join(' > ')}`);

    // A note on the best run, written to its folder.
    const top = order[0];
    await table.locator(`#runs tr[data-run-id="${top}"] td.notes`).dblclick();
    await table.locator(`#runs tr[data-run-id="${top}"] td.notes textarea`).fill('best of the lr sweep');
    await table.locator(`#runs tr[data-run-id="${top}"] td.notes textarea`).press('Enter');
    const annotations = await waitFor('annotations.json', () => {
      const f = join(runsDir, top, 'annotations.json');
      return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
    }, 15_000);
    assert.deepEqual(annotations, { notes: 'best of the lr sweep', tags: [] });
    await table.locator(`#runs tr[data-run-id="${top}"] td.notes`, { hasText: 'best of the lr sweep' }).waitFor({ timeout: 10_000 });
    step(`note saved in ${top}/annotations.json`);

    // Stop the CLI-started run from its row: a stop request its trainer honours.
    await table.locator(`#runs tr[data-run-id="${endlessId}"] button.action.stop`).click();
    const stopped = await waitFor('the endless run to stop', () => {
      const s = statusOf(runsDir, endlessId);
      return s.state !== 'running' ? s : undefined;
    }, 60_000);
    assert.equal(stopped.state, 'stopped');
    assert.equal(existsSync(join(runsDir, endlessId, 'stop-request.json')), false);
    await table.locator(`#runs tr[data-run-id="${endlessId}"] td.state`, { hasText: 'stopped' }).waitFor({ timeout: 15_000 });
    const endlessExit = await waitFor('the CLI trainer to exit', () => (endless!.exitCode !== null ? endless!.exitCode : undefined), 30_000);
    assert.equal(endlessExit, 0);
    step(`stopped ${endlessId} from the table at meta-step ${stopped.step}; the CLI trainer exited 0`);
    await sleep(300);
    await page.screenshot({ path: join(OUT, '1-runs-table.png') });

    // Select the two best runs and compare them.
    const pair = order.slice(0, 2);
    for (const id of pair) await table.locator(`#runs tr[data-run-id="${id}"] input.select`).check();
    await table.locator('#compare').click();
    const metrics = await panelWith(page, '#run-list');
    await metrics.locator('#status', { hasText: '2 of 4 runs shown' }).waitFor({ timeout: 30_000 });
    const checked = await metrics.locator('#run-list vscode-checkbox[checked]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-run-id')));
    assert.deepEqual([...checked].sort(), [...pair].sort());
    step(`Compare opened the metrics panel on ${pair.join(' and ')}`);
    await sleep(800);
    await page.screenshot({ path: join(OUT, '2-compare.png') });
    await wb.runCommand('View: Close All Editors');
    step('PASS');
  } finally {
    endGroup(endless);
    await session.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
