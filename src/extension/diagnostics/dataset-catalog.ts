/**
 * Dataset availability for the config diagnostics, answered from file names only: the extension
 * host never decodes a dataset. Built-in names come from the registry's `listDatasets` (it looks
 * for the IDX files, it does not read them); `idx:<folder>` is checked by scanning the folder's names.
 * Answers are cached briefly because diagnostics rerun on every keystroke.
 */
import { isAbsolute, resolve } from 'node:path';
import type { DatasetAvailability, DatasetCatalog } from '../../engine/config/dataset-facts';
import { scanIdxFolder } from '../../engine/data/idx-folder';
import { listDatasets } from '../../engine/data/registry';

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
  return {
    isDatasetAvailable(name: string): DatasetAvailability {
      if (name.startsWith('idx:')) {
        if (!isTrusted()) return { available: true };
        const raw = name.slice(4);
        const root = workspaceRoot();
        const dir = isAbsolute(raw) || !root ? raw : resolve(root, raw);
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
