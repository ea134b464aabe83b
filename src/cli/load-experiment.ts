import { resolve, join } from 'node:path';
import { EngineError } from '../engine/errors';
import { readRunConfig } from '../engine/runs/run-repository';
import { type LoadResult, loadConfigFile, validateRunConfig } from '../engine/config/load-config';
import { ConfigIssue, formatIssue } from '../engine/config/issues';
import { ExperimentConfig } from '../engine/config/types';
import { engineDatasetCatalog } from '../engine/data/catalog';

/** Thrown when a config has errors; carries every issue so the CLI can print them all. */
export class ConfigErrors extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigErrors';
  }
}

/**
 * Validates a `*.vsml.json` with `--set` overrides as a run would: datasets checked against what
 * is on disk (the config's own data.dir first), sizes against the allocation limits.
 */
export async function checkExperiment(file: string, overrides: readonly string[]): Promise<LoadResult> {
  const first = await loadConfigFile(resolve(file), { overrides });
  // data.dir is needed to find the datasets; read it from the first pass (also from a config with other errors)
  const dataDir = first.config?.data.dir ?? undefined;
  return loadConfigFile(resolve(file), { overrides, catalog: engineDatasetCatalog(dataDir ? { dataDir } : {}) });
}

/** Loads and validates a `*.vsml.json` with `--set` overrides, checking datasets against what is on disk. */
export async function loadExperiment(file: string, overrides: readonly string[], warn: (s: string) => void): Promise<ExperimentConfig> {
  const res = await checkExperiment(file, overrides);
  for (const i of res.issues) if (i.severity !== 'error') warn(`${formatIssue(i)}\n`); // formatIssue names the severity of a warning
  if (!res.ok) throw new ConfigErrors(res.issues.filter((i) => i.severity === 'error'));
  return res.config;
}

/** The resolved config stored in a run folder (for resume), read through the run repository (bounded, no links followed). */
async function loadRunConfig(runDir: string): Promise<{ config: ExperimentConfig; source: string }> {
  const file = join(runDir, 'config.json');
  const { config, problem } = await readRunConfig(runDir);
  if (problem) throw new EngineError('', problem.startsWith(file) ? problem.slice(file.length).replace(/^:?\s*/, '') : problem, 'pass a folder under .vsml/runs/ written by vsml', file);
  if (config === undefined) throw new EngineError('', 'is not a run folder (no config.json)', 'pass a folder under .vsml/runs/ or a checkpoint file', runDir);
  const res = validateRunConfig(config, file);
  if (!res.ok) throw new ConfigErrors(res.issues.filter((i) => i.severity === 'error'));
  return { config: res.config, source: res.source ?? file };
}

/**
 * The config a training run uses: the run folder's own config when resuming (overrides are
 * then ignored, with a note), else the given file with its `--set` overrides.
 */
export async function trainingConfig(configFile: string | undefined, overrides: readonly string[], resumeDir: string | undefined, warn: (s: string) => void): Promise<{ config: ExperimentConfig; source: string }> {
  if (resumeDir) {
    if (overrides.length > 0) warn('note: --set is ignored with --resume; a resumed run keeps its own config\n');
    return loadRunConfig(resolve(resumeDir));
  }
  if (!configFile) throw new EngineError('', 'no config file given', 'pass a *.vsml.json file, or --resume <run-folder>');
  return { config: await loadExperiment(configFile, overrides, warn), source: configFile };
}
