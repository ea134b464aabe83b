import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';

/**
 * Finds the image/label IDX files of each split in a folder by name: `*train*images*` /
 * `*train*labels*` for training, `*t10k*` or `*test*` for test; a folder with a single
 * `*images*` + `*labels*` pair without a split in the name counts as test. A `.gz` and a
 * decompressed copy of the same file are one file (the decompressed one is read).
 */

export interface IdxPair {
  readonly images: string;
  readonly labels: string;
}

export interface IdxFolder {
  readonly dir: string;
  readonly train?: IdxPair;
  readonly test?: IdxPair;
}

type Role = 'images' | 'labels';
type SplitName = 'train' | 'test';

function classify(name: string): { role: Role; split: SplitName | 'none' } | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.part') || lower.endsWith('.zip') || lower.endsWith('.md') || lower.endsWith('.json')) return null;
  const role: Role | null = /images?/.test(lower) ? 'images' : /labels?/.test(lower) ? 'labels' : null;
  if (!role) return null;
  const split: SplitName | 'none' = /train/.test(lower) ? 'train' : /(t10k|test)/.test(lower) ? 'test' : 'none';
  return { role, split };
}

/** Scans `dir` (only names starting with `prefix`). Throws when a split has two different candidates. */
export function scanIdxFolder(dir: string, prefix = ''): IdxFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EngineError('data', `folder ${dir} does not exist`, 'give a folder holding MNIST-layout IDX files (train-images-idx3-ubyte[.gz], ...)');
  }
  const found: Record<string, string[]> = {};
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith(prefix)) continue;
    const c = classify(name.slice(prefix.length));
    if (!c || !statSync(join(dir, name)).isFile()) continue;
    (found[`${c.split}/${c.role}`] ??= []).push(name);
  }
  const pick = (key: string): string | undefined => {
    const names = found[key];
    if (!names) return undefined;
    // foo.gz and foo are the same data: keep the uncompressed one.
    const distinct = names.filter((n) => !(n.endsWith('.gz') && names.includes(n.slice(0, -3))));
    if (distinct.length > 1) {
      throw new EngineError('data', `folder ${dir} has several ${key.replace('/', ' ')} files: ${distinct.join(', ')}`,
        'keep one images file and one labels file per split (train, t10k/test)');
    }
    return join(dir, distinct[0]);
  };
  const pair = (split: string): IdxPair | undefined => {
    const images = pick(`${split}/images`);
    const labels = pick(`${split}/labels`);
    if (!images && !labels) return undefined;
    if (!images || !labels) {
      throw new EngineError('data', `folder ${dir} has ${images ? `images (${images}) but no labels` : `labels (${labels}) but no images`} for the ${split} split`,
        'add the matching *-labels-idx1-ubyte / *-images-idx3-ubyte file');
    }
    return { images, labels };
  };
  const train = pair('train');
  const test = pair('test') ?? pair('none');
  return { dir, ...(train ? { train } : {}), ...(test ? { test } : {}) };
}
