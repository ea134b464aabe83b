/**
 * A run's notes and tags (annotations.json, docs/contracts.md §1): written by the runs table,
 * read by it and by `vsml runs`. The trainer never touches them, so editing a running run's
 * notes is safe. Reads go through the run repository (bounded, no links followed); writes are
 * atomic and validated by the same parser, so a bad file is named, never half-written.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { FieldError, describe } from '../../protocol/fields';
import { EMPTY_ANNOTATIONS, type RunAnnotations, parseAnnotations, readAnnotations } from '../../protocol/run-annotations';
import { writeFileAtomic } from './atomic-file';
import { type RunFs, nodeRunFs, readJsonRecord } from './run-repository';

export const ANNOTATIONS_FILE = 'annotations.json';

/** Annotations are small; a bigger file is refused rather than read. */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** The run's annotations (empty when it has none), and why the file was not used when it is bad. */
export async function readRunAnnotations(dir: string, fs: RunFs = nodeRunFs): Promise<{ annotations: RunAnnotations; problem?: string }> {
  const r = await readJsonRecord(join(dir, ANNOTATIONS_FILE), parseAnnotations, fs, MAX_ANNOTATIONS_BYTES);
  if (r.value) return { annotations: r.value };
  return r.problem ? { annotations: EMPTY_ANNOTATIONS, problem: r.problem } : { annotations: EMPTY_ANNOTATIONS };
}

/**
 * Replaces the annotations of the run folder `dir` with `value` ({ notes, tags }), checked first:
 * a bad value throws an EngineError naming the file and the field and nothing is written.
 * Returns what was written (tags trimmed and deduplicated).
 */
export function writeRunAnnotations(dir: string, value: unknown): RunAnnotations {
  const file = join(dir, ANNOTATIONS_FILE);
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new EngineError('', st ? 'is not a run folder' : 'does not exist', 'pass a run folder under .vsml/runs/', dir);
  let annotations: RunAnnotations;
  try {
    annotations = readAnnotations(value, 'annotations');
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    throw new EngineError(e.path.replace(/^annotations\.?/, ''), `expected ${e.expected}, got ${describe(e.actual)}`, 'notes are text; tags are short labels without commas', file);
  }
  writeFileAtomic(file, `${JSON.stringify(annotations, null, 2)}\n`);
  return annotations;
}
