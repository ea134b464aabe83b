/**
 * Remembers `engine.path: auto`'s measurement per machine: one small JSON file in the user's
 * cache folder, one entry per key (the config's shapes, the thread count, this machine and the
 * versions of everything that runs). A missing, unreadable or malformed file or entry is only a
 * reason to measure again; writing it is best effort.
 */
import { mkdirSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import { version as vsmlVersion } from '../../../package.json';
import { VsmlModelConfig } from '../model/config';
import { paramLayout } from '../model/param-layout';
import { readRegularFile, writeFileAtomic } from '../runs/atomic-file';
import { PathTiming } from './measure-paths';

/** Bump when the measurement changes meaning (another probe workload, other candidates). */
const CACHE_FORMAT = 1;
/** Entries kept per file (newest first); a user trying many shapes does not grow it forever. */
const MAX_ENTRIES = 64;

export interface CachedChoice {
  readonly chosen: string;
  readonly timings: readonly PathTiming[];
  /** ISO time of the measurement. */
  readonly measuredAt: string;
}

/** `$XDG_CACHE_HOME/vsml-lab/engine-paths.json`, else `~/.cache/vsml-lab/engine-paths.json`. */
export function defaultPathCacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vsml-lab', 'engine-paths.json');
}

/** The cache key: what changes a path's speed. */
export function pathCacheKey(model: VsmlModelConfig, threads: number): string {
  return JSON.stringify({
    format: CACHE_FORMAT,
    shapes: {
      layerSizes: model.layerSizes, slowSize: model.slowSize, msgSize: model.msgSize, microTicks: model.numMicroTicks,
      batchSize: model.batchSize, layerNorm: model.layerNorm, backwardPass: model.backwardPass, paramSets: paramLayout(model).numSets,
    },
    threads,
    machine: { platform: process.platform, arch: process.arch, cpu: cpus()[0]?.model ?? '?', cores: cpus().length },
    versions: { vsml: vsmlVersion, v8: process.versions.v8, tfjs: tfjsVersion },
  });
}

function isTiming(t: unknown): t is PathTiming {
  if (typeof t !== 'object' || t === null) return false;
  const o = t as Record<string, unknown>;
  if (typeof o.label !== 'string') return false;
  if ('error' in o) return typeof o.error === 'string';
  return typeof o.backend === 'string' && typeof o.cellTicksPerSec === 'number' && Number.isFinite(o.cellTicksPerSec) && o.cellTicksPerSec > 0;
}

function isChoice(e: unknown): e is CachedChoice {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.chosen === 'string' && typeof o.measuredAt === 'string' && !Number.isNaN(Date.parse(o.measuredAt))
    && Array.isArray(o.timings) && o.timings.every(isTiming) && o.timings.some((t) => t.label === o.chosen && 'cellTicksPerSec' in t);
}

/** The entries of a cache file; {} when it is missing or not a valid cache (invalid entries dropped). */
function readEntries(file: string): Record<string, CachedChoice> {
  try {
    const buf = readRegularFile(file, 1 << 20);
    if (!buf) return {};
    const j = JSON.parse(buf.toString('utf8')) as { entries?: unknown };
    if (typeof j !== 'object' || j === null || typeof j.entries !== 'object' || j.entries === null) return {};
    return Object.fromEntries(Object.entries(j.entries).filter(([, v]) => isChoice(v))) as Record<string, CachedChoice>;
  } catch {
    return {};
  }
}

/** The remembered choice for `key`, or undefined (never throws). */
export function readCachedChoice(file: string, key: string): CachedChoice | undefined {
  return readEntries(file)[key];
}

/** Stores a choice (atomic replace of the file). Throws on I/O errors: the caller logs them and carries on. */
export function writeCachedChoice(file: string, key: string, choice: CachedChoice): void {
  const entries = { ...readEntries(file), [key]: choice };
  const newest = Object.entries(entries).sort((a, b) => Date.parse(b[1].measuredAt) - Date.parse(a[1].measuredAt)).slice(0, MAX_ENTRIES);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify({ entries: Object.fromEntries(newest) }, null, 1)}\n`);
}
