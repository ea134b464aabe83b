import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { EngineError } from '../../engine/errors';
import { formatIssue, type ConfigIssue } from '../../engine/config/issues';
import { OVERRIDE_SOURCE } from '../../engine/config/overrides';
import { type GridAxis, combinationLabel, combinationValues, expandGrid, parseGrid } from '../../engine/sweep/grid';
import {
  assertSameSweep, checkSweepName, defaultSweepName, hashConfigFile, newSweepRecord, readSweepFile, sweepFile, sweepLockFile,
  withCombination, writeSweepFile,
} from '../../engine/sweep/sweep-file';
import { type SweepAction, nextAction, runsOfCombination } from '../../engine/sweep/next-action';
import { type DiscoveredRun, discoverRuns } from '../../engine/runs/run-repository';
import { thisMachine } from '../../engine/runs/liveness';
import { RunLock } from '../../engine/runs/run-lock';
import { CHECKPOINTS_DIR } from '../../engine/runs/run-folder';
import type { SweepCombinationRecord, SweepRecord } from '../../protocol/sweep-record';
import type { TrainerProcess } from '../../extension/trainer/trainer-process';
import { ConfigErrors, checkExperiment } from '../load-experiment';
import { startTrainChild } from '../sweep-children';
import { markdownTable } from '../format-table';

export const SWEEP_USAGE = `vsml sweep <config.vsml.json> --grid path=v1,v2 [--grid path=v1,v2 ...] [--parallel N] [--cluster URL]
           [--runs-dir DIR] [--name NAME] [--json]
vsml sweep --resume NAME [--parallel N] [--cluster URL] [--runs-dir DIR] [--json]
  Runs every combination of the --grid values (their cartesian product) as a normal run, as
  \`vsml train <config> --set path=value ...\` would, N runs at a time (default 1, with all threads;
  N > 1 gives each run floor(cores / N) threads). Every combination is checked before any run starts.
  The sweep is recorded in <runs-dir>/sweeps/<name>.json (default name: the config's file name);
  rerunning the same command, or --resume NAME, skips finished combinations, resumes stopped or
  killed ones and starts the rest. Ctrl-C stops the runs at a checkpoint. --cluster URL is passed
  to each \`vsml train\`. \`vsml runs --sweep NAME\` lists the sweep's runs. --json prints one line
  per run ({"type":"run",...}) and a summary line ({"type":"summary",...}).`;

/** One combination as reported: its record plus the run's figures. */
interface CombinationReport {
  readonly index: number;
  readonly record: SweepCombinationRecord;
  readonly run?: DiscoveredRun;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function positiveInt(text: string | undefined, flag: string, dflt: number): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new EngineError('', `${flag} ${JSON.stringify(text)} is not a whole number of at least 1`, `write e.g. ${flag} 2`);
  return n;
}

/**
 * Every combination checked as its run will load it (overrides, schema, datasets, sizes): all
 * problems are reported before any run starts. Problems of the overrides are attributed to --grid.
 */
async function checkCombinations(config: string, combos: readonly (readonly string[])[], warn: (s: string) => void): Promise<void> {
  const errors = new Map<string, ConfigIssue>();
  const warnings = new Set<string>();
  for (const sets of combos) {
    const res = await checkExperiment(config, sets);
    for (const issue of res.issues) {
      const fromGrid = issue.file === OVERRIDE_SOURCE;
      const text = formatIssue(issue);
      if (issue.severity !== 'error') {
        warnings.add(text);
        continue;
      }
      if (errors.has(text)) continue;
      errors.set(text, fromGrid
        ? { ...issue, file: '--grid', message: issue.message.replace(/^--set /, '') }
        : { ...issue, message: `${issue.message} (with ${combinationLabel(sets)})` });
    }
  }
  for (const w of warnings) warn(`${w}\n`);
  if (errors.size > 0) throw new ConfigErrors([...errors.values()]);
}

/** The record's state for a combination after an action on it (or after its run ended). */
function recordFor(sets: readonly string[], run: DiscoveredRun | undefined, fallback: SweepCombinationRecord['state']): SweepCombinationRecord {
  if (!run) return { sets, state: fallback };
  const s = run.status;
  const state = run.vanished !== undefined ? 'failed' : (s?.state ?? fallback);
  const error = run.vanished ?? (state === 'failed' ? s?.error : undefined);
  return { sets, state, runId: run.runId, ...(error ? { error } : {}) };
}

function reportJson(sweep: string, c: CombinationReport): string {
  const s = c.run?.status;
  return `${JSON.stringify({
    type: 'run',
    sweep,
    index: c.index,
    combination: combinationValues(c.record.sets),
    sets: c.record.sets,
    state: c.record.state,
    runId: c.record.runId ?? null,
    dir: c.run?.dir ?? null,
    step: s?.step ?? null,
    totalSteps: s?.totalSteps ?? null,
    best: s?.best ?? null,
    ...(c.record.error ? { error: c.record.error } : {}),
  })}\n`;
}

function bestOf(reports: readonly CombinationReport[]): CombinationReport | undefined {
  let best: CombinationReport | undefined;
  for (const r of reports) if (r.run?.status?.best && (!best || r.run.status.best.value > best.run!.status!.best!.value)) best = r;
  return best;
}

function summaryTable(reports: readonly CombinationReport[]): string {
  const head = ['#', 'combination', 'state', 'step', 'best', 'run'];
  const body = reports.map((r) => {
    const s = r.run?.status;
    return [String(r.index + 1), combinationLabel(r.record.sets), r.record.state, s ? `${s.step}/${s.totalSteps}` : '', s?.best ? `${pct(s.best.value)} @${s.best.step}` : '', r.record.runId ?? ''];
  });
  return `${markdownTable(head, body)}\n`;
}

const hasCheckpoint = (dir: string): boolean => existsSync(join(dir, CHECKPOINTS_DIR, 'latest.json'));

export async function sweepCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      grid: { type: 'string', multiple: true, default: [] },
      parallel: { type: 'string' },
      cluster: { type: 'string' },
      'runs-dir': { type: 'string', default: '.vsml/runs' },
      name: { type: 'string' },
      resume: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const resuming = values.resume !== undefined;
  if (resuming ? positionals.length > 0 || values.grid!.length > 0 || values.name !== undefined : positionals.length !== 1) {
    out(`${SWEEP_USAGE}\n`);
    return 2;
  }
  const warn = (s: string): void => void process.stderr.write(s);
  const runsDir = resolve(values['runs-dir']!);
  const parallel = positiveInt(values.parallel, '--parallel', 1);

  let name: string;
  let config: string;
  let axes: GridAxis[];
  if (resuming) {
    name = values.resume!;
    checkSweepName(name);
    const existing = readSweepFile(sweepFile(runsDir, name));
    if (!existing) throw new EngineError('', `no sweep named "${name}" here`, `pass the --runs-dir it ran in, or start it with \`vsml sweep <config> --grid ... --name ${name}\``, sweepFile(runsDir, name));
    config = existing.config;
    axes = existing.grid.map((a) => ({ key: a.key, values: a.values }));
  } else {
    config = resolve(positionals[0]);
    axes = parseGrid(values.grid!);
    name = values.name ?? defaultSweepName(config);
    checkSweepName(name);
  }
  const combos = expandGrid(axes).map((c) => c.sets);
  await checkCombinations(config, combos, warn);
  const configHash = hashConfigFile(config);

  const file = sweepFile(runsDir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  const lock = RunLock.acquire(sweepLockFile(runsDir, name), thisMachine(), process.pid, (m) => warn(`${m}\n`));
  lock.startHeartbeat((e) => warn(`could not write the heartbeat of ${lock.file}: ${e.message}\n`));
  const children = new Set<TrainerProcess>();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) {
      warn('\nstopping the sweep: each run checkpoints at its next meta-step or evaluation boundary; press Ctrl-C again to end them at once (they resume from their last checkpoint)\n');
      for (const c of children) void c.stop();
    } else {
      for (const c of children) c.killNow();
    }
  };
  // SIGHUP: the terminal (VS Code's too) was closed; stop the runs at a checkpoint as for Ctrl-C.
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const sig of SIGNALS) process.on(sig, onSignal);
  try {
    const existing = readSweepFile(file);
    if (existing) assertSameSweep(existing, config, configHash, axes, file);
    let record: SweepRecord = existing ?? newSweepRecord(name, config, configHash, axes, new Date());
    const save = (index: number, next: SweepCombinationRecord): void => {
      const updated = withCombination(record, index, next, new Date());
      if (updated !== record) writeSweepFile(file, updated);
      record = updated;
    };
    if (!existing) writeSweepFile(file, record);

    const here = thisMachine();
    const discover = (): Promise<DiscoveredRun[]> => discoverRuns(runsDir, { here, ownedRunIds: new Set() });
    const runsOf = async (index: number, all?: readonly DiscoveredRun[]): Promise<DiscoveredRun[]> =>
      runsOfCombination(name, record.combinations[index], all ?? (await discover()));
    const reports: CombinationReport[] = [];
    const settle = (index: number, run: DiscoveredRun | undefined, fallback: SweepCombinationRecord['state']): void => {
      const rec = recordFor(record.combinations[index].sets, run, fallback);
      save(index, rec);
      const report = { index, record: rec, run };
      reports.push(report);
      const tag = `[${index + 1}/${combos.length}] ${combinationLabel(rec.sets)}`;
      const retry = rec.state === 'failed' && run ? ` (left as it is: \`vsml train --resume ${run.dir}\` retries it, deleting the run folder starts it afresh)` : '';
      if (values.json) out(reportJson(name, report));
      else warn(`${tag}: ${rec.state}${rec.runId ? ` (run ${rec.runId})` : ''}${rec.error ? `: ${rec.error}` : ''}${retry}\n`);
    };

    // What to do with each combination, from the runs on disk.
    const todo: { index: number; action: Extract<SweepAction, { kind: 'start' | 'resume' }> }[] = [];
    const before = await discover();
    for (let i = 0; i < combos.length; i++) {
      const action = nextAction(await runsOf(i, before), hasCheckpoint);
      if (action.kind === 'start' || action.kind === 'resume') todo.push({ index: i, action });
      else settle(i, action.run, action.kind === 'busy' ? 'running' : action.kind === 'skip' ? 'finished' : 'failed');
    }
    const cores = availableParallelism();
    const threads = parallel > 1 ? Math.max(1, Math.floor(cores / parallel)) : undefined;
    warn(`sweep ${name}: ${combos.length} combination${combos.length === 1 ? '' : 's'}, ${todo.length} to run (${todo.filter((t) => t.action.kind === 'resume').length} resumed), ${parallel} at a time${threads ? ` with ${threads} thread${threads === 1 ? '' : 's'} each` : ''}; ${file}\n`);

    const common = ['--runs-dir', runsDir, ...(threads ? ['--threads', String(threads)] : []), ...(values.cluster ? ['--cluster', values.cluster] : [])];
    const runOne = async ({ index, action }: (typeof todo)[number]): Promise<void> => {
      const sets = record.combinations[index].sets;
      const args = action.kind === 'resume'
        ? ['train', '--resume', action.run.dir, ...common]
        : ['train', config, '--sweep', name, ...sets.flatMap((s) => ['--set', s]), ...common];
      const tag = `[${index + 1}/${combos.length}]`;
      warn(`${tag} ${action.kind === 'resume' ? `resuming ${action.run.runId}` : 'starting'}: ${combinationLabel(sets)}\n`);
      let runId = action.kind === 'resume' ? action.run.runId : undefined;
      const child = startTrainChild({
        args,
        onLine: (l) => warn(`${tag} ${l}\n`),
        onRun: (id) => {
          runId = id;
          save(index, { sets, state: 'running', runId: id });
        },
      });
      children.add(child);
      const exit = await child.exited;
      children.delete(child);
      const runs = await runsOf(index);
      const run = runs.find((r) => r.runId === runId) ?? runs[0];
      if (!run) {
        // vsml train ended before it made a run folder (it printed why). The combination was
        // validated, so the cause is common to all (a flag, the machine): start no more runs.
        halted = true;
        const rec: SweepCombinationRecord = { sets, state: 'failed', error: `no run was started: ${exit.reason ?? 'vsml train exited without a run'}` };
        save(index, rec);
        reports.push({ index, record: rec });
        if (values.json) out(reportJson(name, { index, record: rec }));
        else warn(`${tag} ${combinationLabel(sets)}: ${rec.error}; starting no more runs (fix what vsml train said above, then rerun the sweep)\n`);
        return;
      }
      settle(index, run, exit.status === 'crashed' ? 'failed' : 'pending');
    };
    let next = 0;
    let halted = false;
    const lane = async (): Promise<void> => {
      while (signals === 0 && !halted && next < todo.length) await runOne(todo[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(parallel, todo.length) }, lane));
    for (const t of todo.slice(next)) reports.push({ index: t.index, record: record.combinations[t.index], run: t.action.kind === 'resume' ? t.action.run : undefined });

    reports.sort((a, b) => a.index - b.index);
    const count = (s: string): number => reports.filter((r) => r.record.state === s).length;
    const best = bestOf(reports);
    if (values.json) {
      out(`${JSON.stringify({
        type: 'summary', sweep: name, file, combinations: combos.length,
        finished: count('finished'), stopped: count('stopped'), failed: count('failed'), running: count('running'), pending: count('pending'),
        best: best ? { index: best.index, combination: combinationValues(best.record.sets), runId: best.record.runId, ...best.run!.status!.best! } : null,
      })}\n`);
    } else {
      out(`\nSweep ${name} (${file}):\n${summaryTable(reports)}`);
      if (best) out(`Best: ${combinationLabel(best.record.sets)}: ${pct(best.run!.status!.best!.value)} at meta-step ${best.run!.status!.best!.step} (run ${best.record.runId})\n`);
      if (count('finished') < combos.length) out(`${count('finished')} of ${combos.length} finished; \`vsml sweep --resume ${name}${values['runs-dir'] === '.vsml/runs' ? '' : ` --runs-dir ${values['runs-dir']}`}\` continues the rest.\n`);
    }
    if (signals > 0) return 130;
    return count('finished') === combos.length ? 0 : 1;
  } finally {
    for (const sig of SIGNALS) process.off(sig, onSignal);
    lock.release();
  }
}
