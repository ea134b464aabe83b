import { DatasetCatalog, DatasetFacts, isUserDatasetName } from '../config/dataset-facts';
import { EngineError } from '../errors';
import { DataLocation, resolveDataset } from './registry';

/**
 * The config checks' view of the datasets for the CLI and the trainer: availability of every
 * name, and class count / image shape of `idx:`, `images:` and `csv:` datasets (read from the files; built-in
 * names use the config layer's own table). The extension has a lighter, name-only catalog.
 */
export function engineDatasetCatalog(loc: DataLocation = {}): DatasetCatalog {
  return {
    isDatasetAvailable(name) {
      try {
        resolveDataset(name, loc);
        return { available: true };
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // Unknown names are reported by the config checks with "did you mean".
        if (/unknown dataset/.test(e.message)) return { available: true };
        return { available: false, reason: e.rawMessage(), fix: e.fix };
      }
    },
    facts(name): DatasetFacts | undefined {
      if (!isUserDatasetName(name)) return undefined;
      try {
        const src = resolveDataset(name, loc);
        if (src.kind !== 'images') return undefined;
        const first = src.load(src.splits[0]);
        return { numClasses: src.numClasses, shape: [first.rows, first.cols, 1], ...(src.flat ? { flat: true } : {}) };
      } catch {
        return undefined; // availability reports the problem
      }
    },
  };
}
