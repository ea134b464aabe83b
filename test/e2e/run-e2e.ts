/**
 * End-to-end test in the real VS Code workbench (code-server + Debian Chromium + playwright-core),
 * following ../shared/notes/vscode-e2e.md. `npm run test:e2e` packages the .vsix first.
 *
 * It installs the .vsix, opens a workspace holding a tiny config, a longer one and a broken one, and:
 *   1. runs "Train VS-ML" on the tiny config from the command palette; its run appears in the
 *      Experiments view and reaches `finished` (also checked in status.json on disk);
 *   2. starts the longer config, starts the tiny one again while it trains (two trainers at once),
 *      then SIGKILLs the longer trainer: its run shows `failed` with its metrics kept;
 *   3. finds the broken config's diagnostics in the Problems panel (semantic and schema faults, all
 *      ours, in the CLI's words); a copy of examples/default.vsml.json (its `$schema` situation as a
 *      user gets it) edited to `"population_size": "many"` plus `model.no_such_option` shows both
 *      faults once each, no Train lens, and Train VS-ML refuses it before any trainer starts;
 *   4. opens the metrics panel of a finished run from the view, and its trainer.log with "VS-ML: Open
 *      Run Log" (from the panel, and after a window reload from the palette's run pick);
 *   5. creates a new experiment;
 *   5b. runs "VS-ML: Sweep" (a grid path typed wrong is flagged as typed) and its two runs finish.
 *   K. trains a tiny config on the fused kernel (engine.path "fused") and checks trainer.log names the
 *      kernel the package should run: fused-native for a platform .vsix (linux-x64, with the prebuilt
 *      addon), fused-wasm for the universal one (no addon).
 * `--vsix universal|linux-x64|<file>` picks the package (default: the linux-x64 one when
 * `npm run package` made it, else the universal one); `--kernel-only` runs only step K (CI runs the
 * full test on one package and step K on the other).
 * Screenshots go to test-results/e2e/. Everything it starts runs in its own process group and is
 * shut down at the end, pass or fail; state lives in a temp folder (XDG_* and TMPDIR point there).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { Workbench } from './pages/workbench';

const REPO = resolve(__dirname, '..', '..');
const RESULTS = join(REPO, 'test-results', 'e2e');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; publisher: string };
const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const vsixFor = (target: string): string => join(REPO, 'dist-vsix', target === 'universal' ? `${pkg.name}-${pkg.version}.vsix` : `${pkg.name}-${target}-${pkg.version}.vsix`);
const VSIX = ((): string => {
  const v = process.env.VSML_E2E_VSIX ?? argValue('--vsix');
  if (v === 'universal' || v === 'linux-x64') return vsixFor(v);
  if (v) return v;
  return existsSync(vsixFor('linux-x64')) ? vsixFor('linux-x64') : vsixFor('universal');
})();
/** The runner a package must train on: the platform packages carry the native addon, the universal one does not. */
const EXPECT_KERNEL = /-linux-x64-/.test(VSIX) ? 'fused-native' : 'fused-wasm';
const KERNEL_ONLY = process.argv.includes('--kernel-only');
const KEEP = process.env.VSML_E2E_KEEP === '1';

const t0 = Date.now();
const step = (msg: string): void => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

/** Meta-trains in about a second: 3x3 inputs with random labels, 2 antithetic pairs, float64 reference path. */
const tinyConfig = (name: string, iterations: number, checkpointEvery: number, path = 'reference'): string => `// e2e: a config small enough to train in seconds
{
  "name": "${name}",
  "training": { "dataset": "random", "episode_length": 8, "iterations": ${iterations}, "population_size": 2 },
  "evaluation": { "datasets": ["random"], "episode_length": 8, "frequency": ${iterations}, "count": 1 },
  "random_dataset": { "size": 4, "target_count": 2, "img_size": [3, 3, 1] },
  "model": { "sub_rnn": { "msg_size": 4, "slow_size": 4 } },
  "baselines": { "enabled": false },
  "checkpoint": { "frequency": ${checkpointEvery} },
  "engine": { "path": "${path}", "threads": 1 }
}
`;

/**
 * Broken twice: output_idx 9 does not fit in a message of 8 channels (a semantic check: the schema
 * cannot say so), and iterations is a string (a schema fault). Both are reported by the extension.
 */
const brokenConfig = `{
  "name": "broken",
  "training": { "dataset": "random", "iterations": "many" },
  "model": { "sub_rnn": { "msg_size": 8 }, "vsml_rnn": { "output_idx": 9 } }
}
`;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface StatusFile { state: string; pid: number; step: number; runId: string; error?: string; name: string }

function runStatuses(runsDir: string): StatusFile[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .map((d) => join(runsDir, d, 'status.json'))
    .filter(existsSync)
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(f, 'utf8')) as StatusFile];
      } catch {
        return []; // replaced atomically, but a reader can still race a rename on some file systems
      }
    });
}

/** The "activated in N ms" line of the VS-ML Lab output channel, from code-server's log folder. */
function activationLine(userDataDir: string): string | undefined {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
  const logs = existsSync(join(userDataDir, 'logs')) ? walk(join(userDataDir, 'logs')).filter((f) => f.endsWith('VS-ML Lab.log')) : [];
  for (const f of logs) {
    const line = readFileSync(f, 'utf8').split('\n').find((l) => /activated in/.test(l));
    if (line) return line.trim();
  }
  return undefined;
}

async function stopGroup(child: ChildProcess, name: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    step(`${name} did not exit within 10 s of SIGTERM; SIGKILL`);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Starts code-server detached (own process group) and waits for /healthz. */
async function startCodeServer(
  codeServer: string, env: NodeJS.ProcessEnv,
  o: { user: string; ext: string; ws: string; config: string; log: string; trusted: boolean },
): Promise<{ server: ChildProcess; port: number }> {
  const port = await freePort();
  writeFileSync(o.config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFd = openSync(join(RESULTS, o.log), 'w');
  const server = spawn(codeServer, [
    '--config', o.config, '--user-data-dir', o.user, '--extensions-dir', o.ext, '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(o.trusted ? ['--disable-workspace-trust'] : []),
    '--disable-getting-started-override', '--ignore-last-opened', o.ws,
  ], { env, detached: true, stdio: ['ignore', logFd, logFd] });
  try {
    await waitFor('code-server /healthz', async () => {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see ${join(RESULTS, o.log)}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
  } catch (e) {
    await stopGroup(server, 'code-server');
    throw e;
  }
  return { server, port };
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true, 'update.mode': 'none', 'workbench.enableExperiments': false,
  'window.restoreWindows': 'none', 'files.hotExit': 'off',
};

async function main(): Promise<void> {
  assert.ok(existsSync(VSIX), `no .vsix at ${VSIX}: run \`npm run package\` first (npm run test:e2e does)`);
  step('installing code-server (cached after the first run)');
  const codeServer = execFileSync('bash', [join(REPO, 'scripts', 'e2e-install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').pop()!;

  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const base = mkdtempSync(join(tmpdir(), 'vsml-e2e-'));
  const dirs = {
    user: join(base, 'user-data'), ext: join(base, 'extensions'), xdgConfig: join(base, 'xdg-config'),
    xdgData: join(base, 'xdg-data'), xdgCache: join(base, 'xdg-cache'), tmp: join(base, 'tmp'), ws: join(base, 'workspace'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, XDG_CACHE_HOME: dirs.xdgCache, TMPDIR: dirs.tmp,
  };
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  writeFileSync(join(dirs.ws, 'tiny.vsml.json'), tinyConfig('tiny', 4, 2));
  writeFileSync(join(dirs.ws, 'long.vsml.json'), tinyConfig('long', 100000, 100));
  writeFileSync(join(dirs.ws, 'broken.vsml.json'), brokenConfig);
  writeFileSync(join(dirs.ws, 'kernel.vsml.json'), tinyConfig('kernel', 2, 2, 'fused'));
  // The README invites copying the example: a user's copy, then two mistakes (as an edit would leave them).
  const copied = JSON.parse(readFileSync(join(REPO, 'examples', 'default.vsml.json'), 'utf8').replace(/^\uFEFF/, '')) as Record<string, any>;
  copied.training.population_size = 'many';
  copied.model.no_such_option = true;
  writeFileSync(join(dirs.ws, 'copied.vsml.json'), `${JSON.stringify(copied, null, 2)}\n`);
  const runsDir = join(dirs.ws, '.vsml', 'runs');

  step(`installing ${VSIX} (expects ${EXPECT_KERNEL})`);
  execFileSync(codeServer, ['--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, '--install-extension', VSIX], { env, stdio: ['ignore', 'pipe', 'pipe'] });

  const { server, port } = await startCodeServer(codeServer, env, { ...dirs, config: join(base, 'config.yaml'), log: 'code-server.log', trusted: true });
  let server2: ChildProcess | undefined;
  let browser: Browser | undefined;
  let failed = false;
  try {
    step(`code-server ready on port ${port}`);

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true, env,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const wb = new Workbench(page);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.ws)}`);
    await wb.waitLoaded();
    step('workbench loaded');

    // --- K. The fused kernel this package ships: trainer.log names the runner
    await wb.openViewContainer('VS-ML');
    await wb.sideBarRow('kernel.vsml.json').first().waitFor({ timeout: 30_000 });
    await wb.openFile('kernel.vsml.json');
    await wb.runCommand('Train VS-ML');
    const kernelRun = await waitFor('kernel run finished in status.json', () => {
      const st = runStatuses(runsDir).find((s) => s.name === 'kernel');
      if (st?.state === 'failed') throw new Error(`the fused-kernel run failed: ${st.error}`);
      return st?.state === 'finished' ? st : undefined;
    }, 120_000, 500);
    const kernelLog = readFileSync(join(runsDir, kernelRun.runId, 'trainer.log'), 'utf8').split('\n');
    // The start line: `<time> info started on <host> (pid …, Node …, VS-ML Lab …): runner <path> (<backend>, …)`.
    const runnerLine = kernelLog.find((l) => / info started on .*: runner /.test(l)) ?? '';
    assert.match(runnerLine, new RegExp(`: runner ${EXPECT_KERNEL} \\(`), `trainer.log of ${kernelRun.runId}:\n${kernelLog.join('\n')}`);
    // Without the addon the log says so once, with the reason.
    const addonNotes = kernelLog.filter((l) => /native: there is no native addon here/.test(l));
    assert.equal(addonNotes.length, EXPECT_KERNEL === 'fused-wasm' ? 1 : 0, kernelLog.join('\n'));
    step(`the fused-kernel run trained on the package's kernel: ${runnerLine.replace(/^\S+ info /, '')}`);
    await wb.screenshot(join(RESULTS, '0-kernel-run.png'));
    if (KERNEL_ONLY) {
      step('PASS (--kernel-only)');
      return;
    }

    // --- 1. Train VS-ML on the tiny config, from the command palette
    await wb.openViewContainer('VS-ML');
    await wb.sideBarRow('tiny.vsml.json').first().waitFor({ timeout: 30_000 });
    await wb.openFile('tiny.vsml.json');
    await page.locator('.codelens-decoration', { hasText: 'cell-ticks per meta-step' }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot(join(RESULTS, '1-config-open.png'));
    await wb.runCommand('Train VS-ML');
    step('Train VS-ML started');
    const tinyFinished = await waitFor('tiny run finished in status.json', () => runStatuses(runsDir).find((s) => s.name === 'tiny' && s.state === 'finished'), 120_000, 500);
    await wb.sideBarRow(/finished · step 4\/4/).first().waitFor({ timeout: 20_000 });
    step(`run ${tinyFinished.runId} finished and shown in the Experiments view`);
    await wb.screenshot(join(RESULTS, '2-tiny-finished.png'));

    // --- 2. Two at once, then kill one trainer
    await wb.openFile('long.vsml.json');
    await wb.runCommand('Train VS-ML');
    const longRunning = await waitFor('long run running', () => runStatuses(runsDir).find((s) => s.name === 'long' && s.state === 'running' && s.step >= 2), 120_000, 500);
    await wb.openFile('tiny.vsml.json');
    await wb.runCommand('Train VS-ML');
    await waitFor('a second tiny run while long trains', () => {
      const tiny = runStatuses(runsDir).filter((s) => s.name === 'tiny');
      const long = runStatuses(runsDir).find((s) => s.runId === longRunning.runId);
      return tiny.length >= 2 && long?.state === 'running' ? true : undefined;
    }, 60_000, 250);
    step('two trainers at once');
    await wb.screenshot(join(RESULTS, '3-two-runs.png'));
    await waitFor('second tiny run finished', () => (runStatuses(runsDir).filter((s) => s.name === 'tiny' && s.state === 'finished').length >= 2 ? true : undefined), 120_000, 500);
    const metricsFile = join(runsDir, longRunning.runId, 'metrics.jsonl');
    const linesBefore = readFileSync(metricsFile, 'utf8').split('\n').filter(Boolean).length;
    step(`SIGKILL trainer pid ${longRunning.pid} of ${longRunning.runId} (${linesBefore} metrics lines)`);
    process.kill(longRunning.pid, 'SIGKILL');
    const longFailed = await waitFor('killed run marked failed', () => runStatuses(runsDir).find((s) => s.runId === longRunning.runId && s.state === 'failed'), 30_000, 250);
    assert.match(longFailed.error ?? '', /SIGKILL|killed/, 'the failed run says why');
    const linesAfter = readFileSync(metricsFile, 'utf8').split('\n').filter(Boolean).length;
    assert.ok(linesAfter >= linesBefore && linesBefore >= 2, `metrics kept: ${linesBefore} lines before the kill, ${linesAfter} after`);
    await wb.sideBarRow(/failed · step/).first().waitFor({ timeout: 20_000 });
    await wb.notification(/failed/).first().waitFor({ timeout: 20_000 });
    step(`killed run shown failed: ${longFailed.error}`);
    await wb.screenshot(join(RESULTS, '4-killed-run-failed.png'));

    // --- 2b. Stop asks the trainer to checkpoint and exit; Resume continues the stopped run
    await wb.openFile('long.vsml.json');
    await wb.runCommand('Train VS-ML');
    const toStop = await waitFor('a new long run running', () => runStatuses(runsDir).find((s) => s.name === 'long' && s.state === 'running' && s.runId !== longRunning.runId && s.step >= 2), 60_000, 250);
    await wb.runCommand('VS-ML: Stop Run');
    const stopped = await waitFor('run stopped', () => runStatuses(runsDir).find((s) => s.runId === toStop.runId && s.state === 'stopped'), 30_000, 250);
    assert.ok(existsSync(join(runsDir, toStop.runId, 'checkpoints', 'latest.json')), 'a stopped run has a checkpoint');
    await wb.sideBarRow(/stopped · step/).first().waitFor({ timeout: 20_000 });
    step(`${toStop.runId} stopped at step ${stopped.step} with a checkpoint`);
    await wb.runCommand('VS-ML: Resume Run');
    await wb.pickRow(toStop.runId);
    await waitFor('resumed run running past its checkpoint', () => runStatuses(runsDir).find((s) => s.runId === toStop.runId && s.state === 'running' && s.step > stopped.step), 60_000, 250);
    step(`${toStop.runId} resumed`);
    await wb.screenshot(join(RESULTS, '4b-resumed.png'));
    await wb.runCommand('VS-ML: Stop Run');
    await waitFor('resumed run stopped again', () => runStatuses(runsDir).find((s) => s.runId === toStop.runId && s.state === 'stopped'), 30_000, 250);

    // --- 3. A diagnostic for the broken config in the Problems panel
    await wb.openProblems();
    await wb.problemRow(/output_idx/).first().waitFor({ timeout: 30_000 });
    step('Problems panel lists the semantic diagnostic of the broken config (not opened in an editor)');
    await wb.screenshot(join(RESULTS, '5-problems.png'));
    await wb.problemRow(/`training\.iterations` must be a whole number, got string "many"/).first().waitFor({ timeout: 30_000 });
    await wb.openFile('broken.vsml.json');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 20_000 });
    step('and its schema fault, in the CLI\'s words');
    await wb.screenshot(join(RESULTS, '6-broken-config.png'));

    // --- 3b. The copied example with two faults: both in Problems, once each; no Train lens; Train refused
    await wb.openFile('copied.vsml.json');
    await page.locator('.codelens-decoration', { hasText: '2 errors in this config' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.codelens-decoration', { hasText: 'Train VS-ML' }).count(), 0, 'no Train lens on an invalid config');
    await wb.problemRow(/`training\.population_size` must be a whole number, got string "many"/).first().waitFor({ timeout: 30_000 });
    await wb.problemRow(/unknown key `no_such_option` in `model`/).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2000); // VS Code's JSON service validates after opening: give it time to add anything it would
    assert.equal(await wb.problemRow(/population_size/).count(), 1, 'the type fault shows once');
    assert.equal(await wb.problemRow(/no_such_option/).count(), 1, 'the unknown key shows once');
    assert.equal(await wb.problemRow(/Incorrect type|not allowed|Unable to load schema/).count(), 0, 'nothing from VS Code\'s JSON service');
    step('the copied example shows both faults once each, in the CLI\'s words, and no Train lens');
    await wb.screenshot(join(RESULTS, '6b-copied-example-problems.png'));
    const runsBefore = runStatuses(runsDir).length;
    await wb.runCommand('Train VS-ML');
    await wb.notification(/training not started: copied\.vsml\.json has 2 errors\. `training\.population_size` must be a whole number/).first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(2000);
    assert.equal(runStatuses(runsDir).length, runsBefore, 'no run started');
    assert.equal(runStatuses(runsDir).filter((st) => st.name === 'default').length, 0);
    step('Train VS-ML refused the copied example and said why');
    await wb.screenshot(join(RESULTS, '6c-train-refused.png'));
    // --- 4. A finished run opens its metrics panel from the Experiments view (the panels' own tests cover its content)
    await wb.sideBarRow(/finished · step 4\/4/).first().click();
    await page.locator('iframe.webview').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500); // let the charts draw for the screenshot
    step('the metrics panel opened for a finished run');
    await wb.screenshot(join(RESULTS, '7-metrics-panel.png'));

    // --- 4b. Open Run Log: from the metrics panel's run header, then after a window reload from the palette's run pick
    const logTab = page.locator('.tabs-container .tab[aria-label^="trainer.log"]');
    const panelFrame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await panelFrame.locator('.open-run-log').first().click();
    await logTab.first().waitFor({ timeout: 20_000 });
    // Monaco renders spaces as no-break spaces: \s matches both.
    await page.locator('.monaco-editor .view-lines', { hasText: /info\sfinished\sat\sstep\s4\sof\s4/ }).first().waitFor({ timeout: 20_000 });
    step('Open Run Log from the metrics panel opened trainer.log');
    await wb.screenshot(join(RESULTS, '7b-run-log-from-panel.png'));
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Developer: Reload Window');
    await page.waitForTimeout(1000);
    await wb.waitLoaded();
    await wb.openViewContainer('VS-ML');
    await wb.sideBarRow(/finished · step 4\/4/).first().waitFor({ timeout: 30_000 });
    await wb.runCommand('VS-ML: Open Run Log');
    await wb.pickRow(tinyFinished.runId);
    await logTab.first().waitFor({ timeout: 20_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: /info\sstarted\son\s/ }).first().waitFor({ timeout: 20_000 });
    step('after a reload, VS-ML: Open Run Log picked the run and opened its trainer.log');
    await wb.screenshot(join(RESULTS, '7c-run-log-after-reload.png'));
    await wb.runCommand('View: Close All Editors');

    // --- 5. New Experiment writes a commented example that validates clean and shows up in the view
    await wb.runCommand('VS-ML: New Experiment');
    const nameInput = page.locator('.quick-input-widget input[type="text"]');
    await nameInput.fill('fresh');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab[aria-label^="fresh.vsml.json"]').first().waitFor({ timeout: 20_000 });
    await wb.sideBarRow('fresh.vsml.json').first().waitFor({ timeout: 20_000 });
    assert.match(readFileSync(join(dirs.ws, 'fresh.vsml.json'), 'utf8'), /^\/\/ A VS-ML Lab experiment/);
    await page.locator('.codelens-decoration', { hasText: 'cell-ticks per meta-step' }).first().waitFor({ timeout: 20_000 });
    step('New Experiment wrote fresh.vsml.json; the view lists it and its cost lens shows');
    await wb.screenshot(join(RESULTS, '8-new-experiment.png'));

    // --- 5b. VS-ML: Sweep asks for the grid axes (each checked as typed), then runs `vsml sweep` in a terminal
    await wb.openFile('tiny.vsml.json');
    await wb.runCommand('VS-ML: Sweep');
    await wb.typeInInputBox('optimizer.lrr=0.05,0.1', false);
    await wb.inputBox(/unknown config path `optimizer\.lrr`.*did you mean `optimizer\.lr`/).first().waitFor({ timeout: 20_000 });
    step('Sweep: an unknown grid path is flagged in the input box, with the CLI\'s "did you mean"');
    await wb.screenshot(join(RESULTS, '8b-sweep-axis-checked.png'));
    await wb.typeInInputBox('optimizer.lr=0.05,0.1', true);
    await wb.inputBox(/grid axis 2/).first().waitFor({ timeout: 20_000 });
    await wb.typeInInputBox('', true); // no second axis
    await wb.inputBox(/runs at a time/).first().waitFor({ timeout: 20_000 });
    await wb.typeInInputBox('1', true);
    await wb.inputBox(/Sweep: name/).first().waitFor({ timeout: 20_000 });
    await wb.typeInInputBox('tiny-lr', true);
    const sweepFile = join(runsDir, 'sweeps', 'tiny-lr.json');
    const sweep = await waitFor('both sweep runs finished', () => {
      if (!existsSync(sweepFile)) return undefined;
      const rec = JSON.parse(readFileSync(sweepFile, 'utf8')) as { combinations: { state: string; runId?: string }[] };
      return rec.combinations.every((c) => c.state === 'finished') ? rec : undefined;
    }, 180_000, 500);
    for (const [i, lr] of [0.05, 0.1].entries()) {
      const cfg = JSON.parse(readFileSync(join(runsDir, sweep.combinations[i].runId!, 'config.json'), 'utf8')) as { optimizer: { lr: number }; sweep: { name: string } };
      assert.equal(cfg.optimizer.lr, lr);
      assert.equal(cfg.sweep.name, 'tiny-lr');
    }
    // The terminal stays open after the sweep, showing its summary, until a key is pressed.
    await page.locator('.xterm').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(1500); // let the terminal draw
    step(`Sweep ran 2 runs in a terminal: ${sweep.combinations.map((c) => c.runId).join(', ')}`);
    await wb.screenshot(join(RESULTS, '8c-sweep-terminal.png'));

    // --- 6. Restricted Mode: a second code-server with workspace trust on; the folder opens untrusted.
    const ws2 = join(base, 'untrusted-workspace');
    const user2 = join(base, 'user-data-untrusted');
    mkdirSync(join(user2, 'User'), { recursive: true });
    mkdirSync(ws2, { recursive: true });
    // startupPrompt 'never': no trust dialog, the folder simply opens in Restricted Mode.
    writeFileSync(join(user2, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, 'security.workspace.trust.startupPrompt': 'never' }, null, 2));
    writeFileSync(join(ws2, 'tiny.vsml.json'), tinyConfig('tiny', 4, 2));
    writeFileSync(join(ws2, 'broken.vsml.json'), brokenConfig);
    const second = await startCodeServer(codeServer, env, { user: user2, ext: dirs.ext, ws: ws2, config: join(base, 'config2.yaml'), log: 'code-server-untrusted.log', trusted: false });
    server2 = second.server;
    const page2 = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const wb2 = new Workbench(page2);
    await page2.goto(`http://127.0.0.1:${second.port}/?folder=${encodeURIComponent(ws2)}`);
    await wb2.waitLoaded();
    await wb2.openViewContainer('VS-ML');
    await wb2.openFile('tiny.vsml.json');
    await page2.locator('.codelens-decoration', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await wb2.openProblems();
    await wb2.problemRow(/output_idx/).first().waitFor({ timeout: 30_000 });
    assert.ok(!existsSync(join(ws2, '.vsml')), 'nothing trained in Restricted Mode');
    step('Restricted Mode: configs validated, the lens says training is disabled');
    await wb2.screenshot(join(RESULTS, '9-restricted-mode.png'));
    // A run made outside the editor (the CLI) appears through the file watcher alone, although the
    // runs folder did not exist when the window opened.
    execFileSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'train', 'tiny.vsml.json'], { cwd: ws2, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await wb2.sideBarRow(/finished · step 4\/4/).first().waitFor({ timeout: 30_000 });
    step('a CLI run in the untrusted folder shows up in its Experiments view');
    await wb2.screenshot(join(RESULTS, '10-cli-run-listed.png'));
    await page2.close();

    const activation = activationLine(dirs.user);
    step(`extension log: ${activation ?? 'no activation line found'}`);
    const ms = Number(/activated in ([\d.]+) ms/.exec(activation ?? '')?.[1]);
    assert.ok(ms < 200, `activate() took ${ms} ms in the workbench (budget 200 ms)`);
    step('PASS');
  } catch (e) {
    failed = true;
    console.error(e);
    if (browser) {
      const pages = browser.contexts().flatMap((c) => c.pages());
      for (const [i, p] of pages.entries()) await p.screenshot({ path: join(RESULTS, `failure-${i + 1}.png`) }).catch(() => undefined);
    }
    console.error(`screenshots and code-server.log in ${RESULTS}; state in ${base}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(server, 'code-server');
    if (server2) await stopGroup(server2, 'code-server (untrusted)');
    // Trainers are code-server's grandchildren in their own process groups only if they set one; they do not.
    if (!KEEP && !failed) rmSync(base, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
  step(`done; screenshots in ${RESULTS}`);
}

void main();
