import { join } from 'node:path';
import { EngineError } from '../errors';
import { readRegularFile, writeFileAtomic } from '../runs/atomic-file';

/**
 * classes.json of a compare output folder: each meta-test dataset's number of classes, so a reader
 * of table.csv (whose columns are fixed) knows the chance level, 1 / classes.
 */
export const CLASSES_FILE = 'classes.json';

export function writeClassesFile(outDir: string, datasets: readonly { name: string; classes: number }[]): void {
  const classes = Object.fromEntries(datasets.map((d) => [d.name, d.classes]));
  writeFileAtomic(join(outDir, CLASSES_FILE), `${JSON.stringify({ classes }, null, 1)}\n`);
}

/**
 * Reads classes.json; undefined when there is none (a folder written before it existed). Throws an
 * EngineError naming the file and field when it is malformed.
 */
export function readClassesFile(dir: string): Record<string, number> | undefined {
  const file = join(dir, CLASSES_FILE);
  const buf = readRegularFile(file, 1 << 20);
  if (!buf) return undefined;
  const fix = 'delete it (vsml compare writes it again on its next call)';
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new EngineError('', `is not JSON: ${(e as Error).message}`, fix, file);
  }
  const classes = (value as { classes?: unknown } | null)?.classes;
  if (typeof classes !== 'object' || classes === null || Array.isArray(classes)) throw new EngineError('classes', 'must be an object of dataset names to numbers of classes', fix, file);
  for (const [name, n] of Object.entries(classes)) {
    if (!Number.isInteger(n) || (n as number) < 1) throw new EngineError(`classes.${name}`, `must be a whole number >= 1, got ${JSON.stringify(n)}`, fix, file);
  }
  return classes as Record<string, number>;
}
