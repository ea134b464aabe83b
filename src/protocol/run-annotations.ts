/**
 * annotations.json of a run folder (docs/contracts.md §1): the researcher's notes and tags for a
 * run, written by the runs table (and read by `vsml runs`), never by the trainer. One parser for
 * the file and for the runs table's edit message, so both refuse the same things.
 */
import { FieldError, type Obj, type ParseResult, obj, str, tryParse } from './fields';
import { boundedArr } from './panel-fields';

export interface RunAnnotations {
  readonly notes: string;
  /** Trimmed, unique, in the order given. */
  readonly tags: readonly string[];
}

export const MAX_NOTES_LENGTH = 4000;
export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 40;

export const EMPTY_ANNOTATIONS: RunAnnotations = { notes: '', tags: [] };

/** Commas separate tags where they are typed as one line; control characters have no place in a label. */
const BAD_TAG_CHARS = /[,\u0000-\u001f\u007f]/;

/** Checks one tag; returns it trimmed. */
export function readTag(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new FieldError(path, 'a string', value);
  const t = value.trim();
  if (t.length === 0 || t.length > MAX_TAG_LENGTH) throw new FieldError(path, `a tag of 1 to ${MAX_TAG_LENGTH} characters`, value);
  if (BAD_TAG_CHARS.test(t)) throw new FieldError(path, 'a tag without commas or control characters', value);
  return t;
}

export function readAnnotations(value: unknown, path = 'annotations'): RunAnnotations {
  const o: Obj = obj(value, path);
  const notes = o['notes'] === undefined ? '' : str(o, 'notes', path);
  if (notes.length > MAX_NOTES_LENGTH) throw new FieldError(`${path}.notes`, `at most ${MAX_NOTES_LENGTH} characters`, `${notes.length} characters`);
  const tags = o['tags'] === undefined ? [] : boundedArr(o, 'tags', path, MAX_TAGS).map((t, i) => readTag(t, `${path}.tags[${i}]`));
  return { notes, tags: [...new Set(tags)] };
}

export const parseAnnotations = (value: unknown): ParseResult<RunAnnotations> => tryParse(() => readAnnotations(value));

/** Tags as typed in one line ("baseline, lr sweep"): split at commas, blanks dropped; each then checked by readTag. */
export function splitTags(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
}
