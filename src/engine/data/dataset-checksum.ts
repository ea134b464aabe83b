/**
 * Checksums of the data a run used, for its provenance: sha256 of each decoded split (its shape,
 * value type, values and labels), so two runs that report the same checksum saw the same examples,
 * whatever files or folders they came from. Sources cache their decoded splits (registry.ts) and
 * the hash of a split is cached beside it, so a dataset is hashed once per process.
 */
import { createHash } from 'node:crypto';
import type { DatasetFingerprint, SplitChecksum } from '../../protocol/run-records';
import type { AnyImageSet } from './idx';
import { type DataLocation, type Split, resolveDataset } from './registry';

const hashes = new WeakMap<AnyImageSet, SplitChecksum>();

/** sha256 over `n rows cols dtype`, the image values and the labels of one decoded split. */
export function checksumOfSet(set: AnyImageSet): SplitChecksum {
  let c = hashes.get(set);
  if (c) return c;
  const h = createHash('sha256');
  h.update(`${set.n} ${set.rows} ${set.cols} ${set.images instanceof Float32Array ? 'f32' : 'u8'}\n`);
  h.update(new Uint8Array(set.images.buffer, set.images.byteOffset, set.images.byteLength));
  h.update(new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
  c = { examples: set.n, sha256: h.digest('hex') };
  hashes.set(set, c);
  return c;
}

/**
 * The fingerprint of dataset `name` for the splits a run uses (a split the dataset lacks is left
 * out). Generated tasks (random, sum) have no data to hash: their splits are {} and the source says
 * "generated".
 */
export function datasetFingerprint(name: string, splits: readonly Split[], loc: DataLocation = {}): DatasetFingerprint {
  const src = resolveDataset(name, loc);
  if (src.kind === 'procedural') return { source: src.source, splits: {} };
  const out: Record<string, SplitChecksum> = {};
  for (const split of splits) if (src.splits.includes(split)) out[split] = checksumOfSet(src.load(split));
  return { source: src.source, splits: out };
}

/** Fingerprints of every (dataset, split) pair a run uses, keyed by dataset name. */
export function datasetFingerprints(uses: readonly { name: string; split: Split }[], loc: DataLocation = {}): Record<string, DatasetFingerprint> {
  const byName = new Map<string, Split[]>();
  for (const u of uses) byName.set(u.name, [...new Set([...(byName.get(u.name) ?? []), u.split])]);
  return Object.fromEntries([...byName].map(([name, splits]) => [name, datasetFingerprint(name, splits, loc)]));
}
