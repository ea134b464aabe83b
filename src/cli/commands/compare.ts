import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { readRegularFile } from '../../engine/runs/atomic-file';
import { parseConfigText } from '../../engine/config/parse-jsonc';
import { parseSuite } from '../../engine/compare/suite';
import { runCompare } from '../../engine/compare/run-compare';
import { createRunner, parseEnginePath, TfjsBackendChoice } from '../../engine/runner/create-runner';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpeedKind } from '../../engine/config/cost';
import { DEFAULT_SPEEDS, formatDuration, si, type Speed } from '../../engine/config/speed';
import { stepUnit } from '../../engine/config/cost-text';
import { engineDatasetCatalog } from '../../engine/data/catalog';
import { speedsFromRuns } from '../../engine/runs/speed-from-runs';
import { KIND_NAME } from '../../engine/config/speed';
import { estimateSuiteCost, suiteSpeedKinds, type SuiteCost } from '../../engine/compare/suite-cost';
import type { CompareSuite } from '../../engine/compare/suite';

export const COMPARE_USAGE = `vsml compare <suite.json> --out <dir> [--path auto|fused|tfjs|reference] [--backend ...] [--threads N] [--runs-dir DIR]
vsml compare <suite.json> --dry-run [--out <dir>] [--runs-dir DIR]
  Runs a comparison grid (methods vsml, metarnn, hebbian, fwm x meta-training sets x seeds, plus
  online SGD/Adam), evaluates every result online on every dataset of the suite, and writes
  <dir>/table.csv (method,metaTrain,dataset,meanAccuracy,std,seeds) and <dir>/table.md.
  Resumable: finished cells (<dir>/cells/*.json) are reused; a stopped meta-training resumes
  from its checkpoint (<dir>/runs/). See docs/compare.md and examples/compare-cpu.suite.json.
  --dry-run prints each cell's estimated cost and time and the suite's total, computing nothing
  (the cost model of \`vsml check\`; speeds measured by runs in <dir>/runs and <runs-dir>, default
  .vsml/runs, else assumed; cells already finished in <dir> cost nothing). A run prints the total first.`;

export async function compareCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'runs-dir': { type: 'string', default: '.vsml/runs' },
    },
  });
  if (positionals.length !== 1 || (!values.out && !values['dry-run'])) {
    out(`${COMPARE_USAGE}\n`);
    return 2;
  }
  const file = resolve(positionals[0]);
  const text = readRegularFile(file);
  if (!text) throw new EngineError('', 'does not exist or is not a regular file', 'pass a suite file such as examples/compare-cpu.suite.json', file);
  const parsed = parseConfigText(text.toString('utf8'), file);
  if ('issue' in parsed) throw new EngineError(parsed.issue.path, parsed.issue.message, parsed.issue.fix, file);
  const suite = parseSuite(parsed.value, file);
  const warn = (s: string): void => void process.stderr.write(s);
  const estimate = await suiteEstimate(suite, file, values.out ? resolve(values.out) : undefined, resolve(values['runs-dir']!));
  if (values['dry-run']) {
    out(describeSuiteCost(suite, estimate));
    return 0;
  }
  if (!values.out) {
    out(`${COMPARE_USAGE}\n`);
    return 2;
  }
  warn(`compare ${suite.name}: ${estimateLine(estimate)} (vsml compare --dry-run: per cell)\n`);
  const runner = await createRunner({
    path: values.path ? parseEnginePath(values.path, '--path') : 'auto',
    backend: (values.backend ?? 'auto') as TfjsBackendChoice,
    threads: values.threads !== undefined ? Number(values.threads) : 0,
  }, (m) => warn(`${m}\n`));
  const ac = new AbortController();
  const onSignal = (): void => {
    warn('\nstopping at the next meta-step (checkpointing); run the same command again to resume; Ctrl-C again aborts at once\n');
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const t0 = Date.now();
    warn(`compare ${suite.name}: runner ${runner.name} (${runner.backend}, ${runner.threads} threads), output ${resolve(values.out)}\n`);
    const outcome = await runCompare({ suite, suiteFile: file, outDir: resolve(values.out), runner, signal: ac.signal, log: (l) => warn(`${l}\n`) });
    const seconds = (Date.now() - t0) / 1000;
    out(`${outcome.complete ? 'Finished' : 'Stopped'}: ${outcome.computed} cells computed, ${outcome.reused} reused, ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s.\n`);
    out(`${resolve(values.out, 'table.csv')}\n${resolve(values.out, 'table.md')}:\n\n`);
    const md = readRegularFile(resolve(values.out, 'table.md'));
    if (md) out(md.toString('utf8'));
    return outcome.complete ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runner.dispose();
  }
}

/** The speeds of a suite's kinds of work: measured by the suite's own cell runs (<out>/runs/<cell>/) or the runs folder, else assumed. */
async function suiteSpeeds(kinds: readonly SpeedKind[], outDir: string | undefined, runsDir: string): Promise<(kind: SpeedKind) => Speed> {
  const cellsDir = outDir === undefined ? undefined : join(outDir, 'runs');
  const cellRuns = cellsDir && existsSync(cellsDir) ? readdirSync(cellsDir).map((d) => join(cellsDir, d)).filter((d) => statSync(d).isDirectory()) : [];
  const found: Partial<Record<SpeedKind, Speed>> = {};
  for (const dir of [...cellRuns, runsDir]) {
    const missing = kinds.filter((k) => !found[k]);
    if (missing.length === 0) break;
    const s = await speedsFromRuns(dir, missing);
    for (const k of missing) if (s[k]?.measured) found[k] = s[k];
  }
  return (kind) => found[kind] ?? DEFAULT_SPEEDS[kind];
}

async function suiteEstimate(suite: CompareSuite, file: string, outDir: string | undefined, runsDir: string): Promise<SuiteCost & { speeds: Speed[] }> {
  const kinds = suiteSpeedKinds(suite, file);
  const speedOf = await suiteSpeeds(kinds, outDir, runsDir);
  return { ...estimateSuiteCost(suite, file, speedOf, { outDir, catalog: engineDatasetCatalog({}) }), speeds: kinds.map(speedOf) };
}

function estimateLine(e: SuiteCost): string {
  const fixed = e.cells.filter((c) => c.cell.kind === 'fixed' && !c.done).length;
  const left = [e.unpriced > 0 ? `${e.unpriced} learned cells of unknown shape` : '', fixed > 0 ? `${fixed} SGD/Adam cells` : ''].filter(Boolean);
  return `estimated ~${formatDuration(e.seconds)} on this machine${left.length > 0 ? ` plus ${left.join(' and ')} (not priced)` : ''}`;
}

/** `vsml compare --dry-run`'s report: one line per cell, the total, and where the speeds come from. */
function describeSuiteCost(suite: CompareSuite, e: SuiteCost & { speeds: Speed[] }): string {
  const width = Math.max(...e.cells.map((c) => c.cell.id.length));
  const lines = [`${suite.name}: ${e.cells.length} cells, ${estimateLine(e)} (dry run: nothing computed)`];
  for (const c of e.cells) {
    const id = c.cell.id.padEnd(width);
    if (c.done) lines.push(`  ${id}  finished before in the output folder: reused`);
    else if (c.cell.kind === 'fixed') lines.push(`  ${id}  ${c.cell.methods.join(', ')}: learning-rate tuning and online runs, not priced`);
    else if (!c.cost) lines.push(`  ${id}  not priced: the shape of a training dataset is not known without loading it`);
    else {
      lines.push(`  ${id}  ${c.iterations} meta-steps × ${si(c.cost.workPerStep)} ${stepUnit(c.cost)}, then ${suite.evaluation.count} episodes × ${suite.datasets.length} datasets`
        + ` (${si(c.evaluationWork!)} ${c.cost.unit}): ~${formatDuration(c.seconds!)}`);
    }
  }
  lines.push('speeds:');
  for (const s of e.speeds) lines.push(`  ${KIND_NAME[s.kind].padEnd(9)} ${si(s.perSecond)} ${s.unit}/s, ${s.source}`);
  return `${lines.join('\n')}\n`;
}
