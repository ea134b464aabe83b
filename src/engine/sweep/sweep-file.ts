/**
 * The sweep file `<runs-dir>/sweeps/<name>.json` (docs/contracts.md §1): the grid, the config and
 * its hash, and per combination its run and state. Written atomically after every change, so a
 * sweep killed at any moment leaves a file the next `vsml sweep` can resume from.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { readRegularFile, writeFileAtomic } from '../runs/atomic-file';
import {
  SWEEP_FORMAT, SWEEP_NAME, SWEEP_VERSION, type SweepCombinationRecord, type SweepRecord, parseSweepRecord,
} from '../../protocol/sweep-record';
import { type GridAxis, expandGrid } from './grid';

/** The folder under the runs folder that holds sweep files (not a run: run ids always carry a timestamp). */
export const SWEEPS_DIR = 'sweeps';
/** A sweep file lists a few thousand combinations at most; anything bigger is not ours. */
const MAX_SWEEP_BYTES = 16 * 1024 * 1024;

export const sweepFile = (runsDir: string, name: string): string => join(runsDir, SWEEPS_DIR, `${name}.json`);
export const sweepLockFile = (runsDir: string, name: string): string => join(runsDir, SWEEPS_DIR, `${name}.lock`);

/** Refuses a sweep name that cannot be a file name. */
export function checkSweepName(name: string): void {
  if (!SWEEP_NAME.test(name))
    throw new EngineError('', `--name "${name}" is not a usable sweep name`, 'use letters, digits, _ . and - (at most 100, not starting with a dot)');
}

/** The default name of a sweep: the config file's name without `.vsml.json` / `.json`. */
export function defaultSweepName(configFile: string): string {
  const base = configFile.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/(\.vsml)?\.jsonc?$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 100);
  return stem || 'sweep';
}

export function hashConfigFile(file: string): string {
  const buf = readRegularFile(file, MAX_SWEEP_BYTES);
  if (!buf) throw new EngineError('', 'does not exist', 'pass the *.vsml.json file of the sweep', file);
  return createHash('sha256').update(buf).digest('hex');
}

/** The sweep file at `file`, or undefined when there is none; a damaged one is an EngineError. */
export function readSweepFile(file: string): SweepRecord | undefined {
  const buf = readRegularFile(file, MAX_SWEEP_BYTES);
  if (!buf) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new EngineError('', `is not JSON (${(e as Error).message})`, 'restore it, or delete it to start the sweep afresh (its runs stay)', file);
  }
  const parsed = parseSweepRecord(json);
  if (!parsed.ok) throw new EngineError('', parsed.error, 'restore it, or delete it to start the sweep afresh (its runs stay)', file);
  return parsed.message;
}

export function writeSweepFile(file: string, record: SweepRecord): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** A new sweep's record: every combination pending. */
export function newSweepRecord(name: string, config: string, configHash: string, grid: readonly GridAxis[], now: Date): SweepRecord {
  const at = now.toISOString();
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    name,
    config,
    configHash,
    grid: grid.map((a) => ({ key: a.key, values: [...a.values] })),
    createdAt: at,
    updatedAt: at,
    combinations: expandGrid(grid).map((c): SweepCombinationRecord => ({ sets: c.sets, state: 'pending' })),
  };
}

const sameGrid = (a: readonly GridAxis[], b: readonly GridAxis[]): boolean => JSON.stringify(a.map((x) => [x.key, x.values])) === JSON.stringify(b.map((x) => [x.key, x.values]));
const gridText = (g: readonly GridAxis[]): string => g.map((a) => `--grid ${a.key}=${a.values.join(',')}`).join(' ');

/**
 * Refuses to continue `existing` with another config or grid: the runs already made answer a
 * different question. The message names what changed and how to go on.
 */
export function assertSameSweep(existing: SweepRecord, config: string, configHash: string, grid: readonly GridAxis[], file: string): void {
  const fresh = 'pass --name NEW to start another sweep, or delete the sweep file to start this one afresh (its runs stay)';
  if (existing.config !== config)
    throw new EngineError('', `sweep "${existing.name}" runs ${existing.config}, not ${config}`, fresh, file);
  if (!sameGrid(existing.grid, grid))
    throw new EngineError('', `sweep "${existing.name}" has the grid ${gridText(existing.grid)}, not ${gridText(grid)}`, `rerun it with its own grid (or \`vsml sweep --resume ${existing.name}\`), or ${fresh}`, file);
  if (existing.configHash !== configHash)
    throw new EngineError('', `${config} changed since sweep "${existing.name}" started (sha256 ${existing.configHash.slice(0, 12)}…, now ${configHash.slice(0, 12)}…)`, `restore the config, or ${fresh}`, file);
}

/** The record with one combination replaced and updatedAt stamped; the same record when nothing changes. */
export function withCombination(record: SweepRecord, index: number, next: SweepCombinationRecord, now: Date): SweepRecord {
  if (JSON.stringify(record.combinations[index]) === JSON.stringify(next)) return record;
  return { ...record, updatedAt: now.toISOString(), combinations: record.combinations.map((c, i) => (i === index ? next : c)) };
}
