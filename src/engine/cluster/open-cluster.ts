import { ExperimentConfig } from '../config/types';
import { EsCoordinator } from './es-coordinator';
import { checkClusterUrl } from './redis-connection';

/**
 * The cluster a training run coordinates, if any: `--cluster URL` (or the extension's `vsml.cluster`
 * setting) over the config's `engine.cluster`. The CLI's `vsml train` and the extension's trainer
 * process both call this, then hand the coordinator to runExperiment as its pair evaluator.
 */
export async function openCluster(
  cfg: ExperimentConfig,
  flagUrl: string | undefined,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
  runLabel: string = cfg.name,
): Promise<EsCoordinator | undefined> {
  const url = flagUrl || cfg.engine.cluster;
  if (!url) return undefined;
  checkClusterUrl(url, flagUrl ? '--cluster' : 'engine.cluster');
  // The published config leaves the URL out: it may hold a password, and it does not change the numbers.
  const { cluster: _cluster, ...engine } = cfg.engine;
  return EsCoordinator.connect({ url, config: { ...cfg, engine }, runId: runLabel, log });
}
