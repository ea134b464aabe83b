/**
 * Dataset availability for the config diagnostics, answered from file names only: the extension
 * host never decodes a dataset. Built-in names come from the registry's `listDatasets` (it looks
 * for the IDX files, it does not read them); `idx:<folder>` is checked by scanning the folder's names,
 * `images:<folder>` by listing its class subfolders, `csv:<file>` by its existence.
 * Answers are cached briefly because diagnostics rerun on every keystroke.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { DatasetAvailability, DatasetCatalog } from '../../engine/config/dataset-facts';
import { scanIdxFolder } from '../../engine/data/idx-folder';
import { listDatasets } from '../../engine/data/registry';
import { parseCsvSpec } from '../../engine/data/csv-dataset';

const CACHE_MS = 10_000;

/**
 * `isTrusted`: in Restricted Mode an `idx:` path (any absolute path a cloned config names) is not
 * probed at all; training is disabled there anyway, and the engine checks it when a run starts.
 */
export function createDatasetCatalog(dataDir: () => string | undefined, workspaceRoot: () => string | undefined, now = Date.now, isTrusted: () => boolean = () => true): DatasetCatalog {
  let cached: { at: number; dir: string | undefined; rows: Map<string, DatasetAvailability> } | undefined;
  const builtins = (): Map<string, DatasetAvailability> => {
    const dir = dataDir();
    if (!cached || cached.dir !== dir || now() - cached.at > CACHE_MS) {
      const rows = new Map<string, DatasetAvailability>();
      for (const d of listDatasets(dir ? { dataDir: dir } : {})) {
        rows.set(d.name, d.available ? { available: true } : {
          available: false,
          reason: d.source,
          fix: d.fetchable ? `run \`vsml datasets fetch ${d.name}\` while online, or set vsml.dataFolder to a folder holding it` : 'set vsml.dataFolder to a folder holding it',
        });
      }
      cached = { at: now(), dir, rows };
    }
    return cached.rows;
  };
  const inWorkspace = (raw: string): string => {
    const root = workspaceRoot();
    return isAbsolute(raw) || !root ? raw : resolve(root, raw);
  };
  return {
    isDatasetAvailable(name: string): DatasetAvailability {
      // Restricted Mode probes no path a committed config names (a link to /dev/zero, a huge folder).
      if (/^(idx|images|csv):/.test(name) && !isTrusted()) return { available: true };
      if (name.startsWith('images:')) return imageFolderAvailability(inWorkspace(name.slice('images:'.length)));
      if (name.startsWith('csv:')) {
        try {
          return csvFileAvailability(inWorkspace(parseCsvSpec(name.slice('csv:'.length)).file));
        } catch (e) {
          return { available: false, reason: (e as Error).message, fix: 'write options after the file as #label=<column>&shape=flat' };
        }
      }
      if (name.startsWith('idx:')) {
        const dir = inWorkspace(name.slice(4));
        try {
          const f = scanIdxFolder(dir);
          if (f.train || f.test) return { available: true };
          return { available: false, reason: `no IDX image/label files in ${dir}`, fix: 'point idx: at a folder with train-images-idx3-ubyte and its labels' };
        } catch (e) {
          return { available: false, reason: (e as Error).message, fix: 'point idx: at an existing folder of IDX files' };
        }
      }
      // Unknown names are the schema/semantic checks' business ("did you mean"); say nothing here.
      return builtins().get(name) ?? { available: true };
    },
  };
}

/** `images:<folder>`: the folder exists and has class subfolders (the images are only read when a run starts). */
function imageFolderAvailability(dir: string): DatasetAvailability {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { available: false, reason: `folder ${dir} does not exist`, fix: 'point images: at a folder holding one subfolder of PNG/JPEG images per class' };
  }
  const classes = readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory());
  if (classes.length === 0) {
    return { available: false, reason: `folder ${dir} has no class subfolders`, fix: `put the images in one subfolder per class, e.g. ${join(dir, 'cat', '1.png')}` };
  }
  return { available: true };
}

/** `csv:<file>`: the file exists (its rows are only read when a run starts). */
function csvFileAvailability(file: string): DatasetAvailability {
  if (!existsSync(file) || !statSync(file).isFile()) {
    return { available: false, reason: `CSV file ${file} does not exist`, fix: 'point csv: at a CSV file with a label column and one column per pixel or feature' };
  }
  return { available: true };
}
