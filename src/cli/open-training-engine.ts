import type { ExperimentConfig } from '../engine/config/types';
import { openCluster } from '../engine/cluster/open-cluster';
import { isVsml, type ModelConfig } from '../engine/learners/learner-config';
import type { RolloutRunner } from '../engine/model/rollout-runner';
import { createRunner, type RunnerChoice } from '../engine/runner/create-runner';

export type RunnerNote = { level: 'info' | 'warn'; message: string };

/** What a training process runs on: the local runner, how it was chosen, and the cluster's coordinator if one is configured. */
export interface TrainingEngine {
  readonly runner: RolloutRunner;
  /** How the runner was chosen (engine.path auto's measurement, a build that did not load): also written to trainer.log. */
  readonly runnerNotes: RunnerNote[];
  readonly cluster: Awaited<ReturnType<typeof openCluster>>;
}

/**
 * The runner for a plan's model and the cluster of `clusterUrl` (or engine.cluster), for `vsml train`
 * and the editor's trainer process alike. A cluster that cannot be opened frees the runner first.
 */
export async function openTrainingEngine(
  cfg: ExperimentConfig,
  choice: RunnerChoice,
  model: ModelConfig,
  clusterUrl: string | undefined,
  show: { runnerNote: (note: RunnerNote) => void; clusterLog: (level: 'info' | 'warn' | 'error', message: string) => void },
): Promise<TrainingEngine> {
  const runnerNotes: RunnerNote[] = [];
  const runner = await createRunner(choice, (message, level = 'warn') => {
    show.runnerNote({ level, message });
    runnerNotes.push({ level, message });
  }, { model: isVsml(model) ? model : undefined }); // the baselines run the same loops on every path
  try {
    return { runner, runnerNotes, cluster: await openCluster(cfg, clusterUrl, show.clusterLog) };
  } catch (e) {
    await runner.dispose();
    throw e;
  }
}
