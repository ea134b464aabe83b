/**
 * The extension's settings (`vsml.*`) as plain data, and the trainer command line built from them.
 * Pure: extension.ts reads the values through vscode.workspace.getConfiguration and passes them in.
 */
import { isAbsolute, join } from 'node:path';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface VsmlSettings {
  /** `engine.backend` for runs started from the editor; `auto` leaves the config's choice. */
  readonly backend: Backend;
  /** `engine.threads`; 0 leaves the config's choice. */
  readonly threads: number;
  /** Runs folder, relative to the workspace folder unless absolute. */
  readonly runsFolder: string;
  /** Dataset folder (IDX files), relative to the workspace folder unless absolute; '' = the engine's default. */
  readonly dataFolder: string;
  /** Redis URL for "VS-ML: Train on Cluster" (README "Many machines"); '' = ask. */
  readonly cluster: string;
}

export const DEFAULT_SETTINGS: VsmlSettings = { backend: 'auto', threads: 0, runsFolder: '.vsml/runs', dataFolder: '', cluster: '' };

/** Reads settings through a getter, replacing wrong types with the defaults (a bad settings.json must not break training). */
export function readSettings(get: (key: string) => unknown): VsmlSettings {
  const backend = get('backend');
  const threads = get('threads');
  const runsFolder = get('runsFolder');
  const dataFolder = get('dataFolder');
  const cluster = get('cluster');
  return {
    backend: typeof backend === 'string' && (BACKENDS as readonly string[]).includes(backend) ? (backend as Backend) : DEFAULT_SETTINGS.backend,
    threads: typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? threads : DEFAULT_SETTINGS.threads,
    runsFolder: typeof runsFolder === 'string' && runsFolder.trim() ? runsFolder.trim() : DEFAULT_SETTINGS.runsFolder,
    dataFolder: typeof dataFolder === 'string' ? dataFolder.trim() : DEFAULT_SETTINGS.dataFolder,
    cluster: typeof cluster === 'string' ? cluster.trim() : DEFAULT_SETTINGS.cluster,
  };
}

export function resolveIn(workspaceRoot: string, p: string): string {
  return isAbsolute(p) ? p : join(workspaceRoot, p);
}

/**
 * `dist/trainer.js <config-file> --runs-dir DIR [--resume RUN_DIR] [--set k=v ...]` (docs/contracts.md §3).
 * Settings left at their defaults add nothing, so the config file decides.
 */
export function trainerArgs(configFile: string, settings: VsmlSettings, workspaceRoot: string, resumeDir?: string): string[] {
  const args = [configFile, '--runs-dir', resolveIn(workspaceRoot, settings.runsFolder)];
  if (resumeDir) args.push('--resume', resumeDir);
  if (settings.backend !== 'auto') args.push('--set', `engine.backend=${settings.backend}`);
  if (settings.threads > 0) args.push('--set', `engine.threads=${settings.threads}`);
  return args;
}

/**
 * Environment for the trainer: the data folder travels as VSML_DATA_DIR (the engine's data registry
 * reads it); a cluster URL as VSML_CLUSTER, not on the command line, which the output channel and
 * `ps` show (it may hold a password).
 */
export function trainerEnv(base: NodeJS.ProcessEnv, settings: VsmlSettings, workspaceRoot: string, cluster?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = settings.dataFolder ? { ...base, VSML_DATA_DIR: resolveIn(workspaceRoot, settings.dataFolder) } : { ...base };
  if (cluster) env['VSML_CLUSTER'] = cluster;
  else delete env['VSML_CLUSTER']; // only "Train on Cluster" coordinates (or the config's engine.cluster)
  return env;
}
