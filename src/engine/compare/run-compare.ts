import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { validateConfigValue } from '../config/load-config';
import { ExperimentConfig } from '../config/types';
import { RolloutRunner } from '../model/rollout-runner';
import { learnerNumClasses } from '../learners/learner-config';
import { planExperiment, vsmlEvalModel } from '../runs/plan-experiment';
import { runExperiment } from '../runs/run-experiment';
import { RunFolder } from '../runs/run-folder';
import { readRegularFile, writeFileAtomic } from '../runs/atomic-file';
import { openConfiguredDataset } from '../data/from-config';
import { episodeSampler } from '../data/episodes';
import { evalEpisodes } from '../eval/evaluate';
import { evaluateSgdAdam, evaluateTrainedLa, openTrainedLa } from '../eval/evaluate-checkpoint';
import { CompareCell, CompareMethod, CompareSuite, cellConfig, COMPARE_METHODS, suiteCells } from './suite';
import { CellResult, formatTableCsv, formatTableMarkdown, tableRows, TableRow } from './compare-table';
import { writeClassesFile } from './dataset-classes';

export interface CompareOptions {
  suite: CompareSuite;
  /** The suite file: config errors name it. */
  suiteFile: string;
  /** Output folder: cells/<id>.json per finished cell, runs/<id>/ per meta-training, table.csv, table.md. */
  outDir: string;
  runner: RolloutRunner;
  /** Aborting stops the running meta-training at a step boundary (checkpointed); run again to resume. */
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface CompareOutcome {
  rows: TableRow[];
  /** Cells computed by this call, and found finished from an earlier one. */
  computed: number;
  reused: number;
  /** False when stopped before every cell finished (the tables then hold the finished cells). */
  complete: boolean;
}

/** What a stored cell must match to be reused: its resolved experiment config and the suite's evaluation. */
export function cellKey(config: ExperimentConfig, suite: CompareSuite, cell: CompareCell): string {
  return createHash('sha256').update(JSON.stringify({ config, datasets: suite.datasets, methods: cell.methods })).digest('hex').slice(0, 16);
}

/** A cell's stored result in <outDir>/cells/ when its key matches (reused, not recomputed); `changed` when one is stored under another key. */
export function storedCell(outDir: string, cell: CompareCell, key: string): { result?: CellResult & { key: string }; changed: boolean } {
  const stored = readRegularFile(join(outDir, 'cells', `${cell.id}.json`));
  if (!stored) return { changed: false };
  const r = JSON.parse(stored.toString('utf8')) as CellResult & { key: string };
  return r.key === key ? { result: r, changed: false } : { changed: true };
}

export function resolveCellConfig(suite: CompareSuite, cell: CompareCell, file: string): ExperimentConfig {
  const r = validateConfigValue(cellConfig(suite, cell), file);
  if (!r.ok) {
    const i = r.issues.find((x) => x.severity === 'error') ?? r.issues[0];
    throw new EngineError(i.path, `${i.message} (in the config of cell ${cell.id}: the suite's config, then methods.${cell.methods[0]})`, i.fix, file);
  }
  return r.config;
}

/** The newest run folder of a cell's runs/<id>/, if any. */
function latestRun(runsDir: string): RunFolder | undefined {
  if (!existsSync(runsDir)) return undefined;
  const dirs = readdirSync(runsDir).filter((d) => statSync(join(runsDir, d)).isDirectory()).sort();
  return dirs.length ? RunFolder.open(join(runsDir, dirs[dirs.length - 1])) : undefined;
}

/**
 * Runs a comparison suite: every cell of the grid (meta-training, then online evaluation on every
 * dataset of the suite), writing table.csv and table.md after every finished cell and at the end.
 * A finished cell is stored and never recomputed while its config is unchanged; a meta-training
 * that was stopped resumes from its latest checkpoint.
 */
export async function runCompare(opts: CompareOptions): Promise<CompareOutcome> {
  const { suite, outDir } = opts;
  const log = opts.log ?? (() => {});
  mkdirSync(join(outDir, 'cells'), { recursive: true });
  const cells = suiteCells(suite);
  // Chance level per dataset (the table shows it beside the results): its number of classes.
  const firstConfig = resolveCellConfig(suite, cells[0], opts.suiteFile);
  writeClassesFile(outDir, suite.datasets.map((name) => ({ name, classes: openConfiguredDataset(firstConfig, name, Number.MAX_SAFE_INTEGER).numClasses })));
  const results: CellResult[] = [];
  let computed = 0;
  let reused = 0;
  let complete = true;
  for (const [i, cell] of cells.entries()) {
    const config = resolveCellConfig(suite, cell, opts.suiteFile);
    const key = cellKey(config, suite, cell);
    const file = join(outDir, 'cells', `${cell.id}.json`);
    const stored = storedCell(outDir, cell, key);
    if (stored.result) {
      results.push(stored.result);
      reused++;
      log(`[${i + 1}/${cells.length}] ${cell.id}: done before (${stored.result.seconds.toFixed(0)} s), reused`);
      continue;
    }
    if (stored.changed) log(`[${i + 1}/${cells.length}] ${cell.id}: its config changed since it was computed; computing again`);
    const t0 = Date.now();
    log(`[${i + 1}/${cells.length}] ${cell.id}: ${cell.kind === 'learned' ? `meta-training ${config.training.iterations} steps on ${cell.metaTrain}` : `tuning and running ${cell.methods.join(', ')}`}`);
    const accuracy = cell.kind === 'learned' ? await learnedCell(opts, cell, config, log) : await fixedCell(suite, cell, config);
    if (!accuracy) {
      complete = false;
      log(`stopped in ${cell.id}; run the same command again to resume from its latest checkpoint`);
      break;
    }
    const result: CellResult & { key: string } = { id: cell.id, metaTrain: cell.metaTrain, seed: cell.seed, accuracy: accuracy.accuracy, seconds: (Date.now() - t0) / 1000, runDir: accuracy.runDir, key };
    writeFileAtomic(file, `${JSON.stringify(result, null, 1)}\n`);
    results.push(result);
    computed++;
    // The table so far, after every cell: a long comparison can be followed (and is never lost) while it runs.
    writeTables(outDir, suite, results);
    const summary = Object.entries(accuracy.accuracy).flatMap(([m, byDs]) => Object.entries(byDs!).map(([d, a]) => `${cell.kind === 'fixed' ? `${m}/` : ''}${d} ${(100 * a).toFixed(1)}%`));
    log(`  ${summary.join(', ')} (${result.seconds.toFixed(0)} s)`);
  }
  const rows = writeTables(outDir, suite, results);
  return { rows, computed, reused, complete };
}

/** Writes table.csv and table.md of the cells finished so far; returns the rows. */
function writeTables(outDir: string, suite: CompareSuite, results: readonly CellResult[]): TableRow[] {
  const methods = COMPARE_METHODS.filter((m) => suite.methods[m] !== undefined);
  const rows = tableRows(results, methods, suite.metaTrain, suite.datasets);
  writeFileAtomic(join(outDir, 'table.csv'), formatTableCsv(rows));
  writeFileAtomic(join(outDir, 'table.md'), formatTableMarkdown(rows, suite.datasets));
  return rows;
}

type CellAccuracy = { accuracy: Partial<Record<CompareMethod, Record<string, number>>>; runDir?: string };

async function learnedCell(opts: CompareOptions, cell: CompareCell, config: ExperimentConfig, log: (l: string) => void): Promise<CellAccuracy | undefined> {
  const { suite, runner } = opts;
  const runsDir = join(opts.outDir, 'runs', cell.id);
  const prev = latestRun(runsDir);
  let runDir = prev?.dir;
  if (!prev || prev.readStatus()?.state !== 'finished') {
    const resumeDir = prev?.latestCheckpoint() ? prev.dir : undefined;
    if (resumeDir) log(`  resuming ${resumeDir}`);
    const plan = planExperiment(config, opts.suiteFile);
    // The grid evaluates once, after meta-training, on every dataset of the suite (below).
    plan.evaluation.frequency = 0;
    plan.evaluation.datasets = [];
    plan.baselines = undefined;
    let lastLog = Date.now();
    const out = await runExperiment({
      plan, runner, runsDir, resumeDir, signal: opts.signal,
      events: {
        progress: (p) => {
          if (Date.now() - lastLog < 15_000) return;
          lastLog = Date.now();
          log(`  step ${p.step}/${p.totalSteps}, meta-loss ${p.metaLoss.toFixed(3)}, ${Math.round(p.etaSeconds)} s left`);
        },
        log: (level, m) => level !== 'info' && log(`  ${level}: ${m}`),
      },
    });
    if (out.state !== 'finished') return undefined;
    runDir = out.runDir;
  }
  const la = openTrainedLa(runDir!);
  const rows = await evaluateTrainedLa(la, runner, { datasets: [...suite.datasets], length: suite.evaluation.episode_length, episodes: suite.evaluation.count, seed: cell.seed, baselines: false, untrained: false });
  const byDataset: Record<string, number> = {};
  for (const r of rows) byDataset[r.dataset] = r.methods.learned!.meanAccuracy;
  return { accuracy: { [cell.methods[0]]: byDataset }, runDir };
}

/** SGD and Adam of one seed on the very episodes the learned methods of that seed see. */
async function fixedCell(suite: CompareSuite, cell: CompareCell, config: ExperimentConfig): Promise<CellAccuracy> {
  const accuracy: CellAccuracy['accuracy'] = {};
  const spec = { length: suite.evaluation.episode_length, episodes: suite.evaluation.count, seed: cell.seed };
  for (const name of suite.datasets) {
    const ds = openConfiguredDataset(config, name, Number.MAX_SAFE_INTEGER);
    const model = vsmlEvalModel(config, ds);
    const episodes = evalEpisodes(model, episodeSampler(ds, config.evaluation.subset), spec, name);
    const res = await evaluateSgdAdam(config, ds, name, learnerNumClasses(model), episodes);
    for (const m of cell.methods) {
      const r = res[m];
      if (r) (accuracy[m] ??= {})[name] = r.meanAccuracy;
    }
  }
  return { accuracy };
}
