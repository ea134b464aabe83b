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
}

export const DEFAULT_SETTINGS: VsmlSettings = { backend: 'auto', threads: 0, runsFolder: '.vsml/runs', dataFolder: '' };

/** Reads settings through a getter, replacing wrong types with the defaults (a bad settings.json must not break training). */
export function readSettings(get: (key: string) => unknown): VsmlSettings {
  const backend = get('backend');
  const threads = get('threads');
  const runsFolder = get('runsFolder');
  const dataFolder = get('dataFolder');
  return {
    backend: typeof backend === 'string' && (BACKENDS as readonly string[]).includes(backend) ? (backend as Backend) : DEFAULT_SETTINGS.backend,
    threads: typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? threads : DEFAULT_SETTINGS.threads,
    runsFolder: typeof runsFolder === 'string' && runsFolder.trim() ? runsFolder.trim() : DEFAULT_SETTINGS.runsFolder,
    dataFolder: typeof dataFolder === 'string' ? dataFolder.trim() : DEFAULT_SETTINGS.dataFolder,
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

/** Environment for the trainer: the data folder travels as VSML_DATA_DIR (the engine's data registry reads it). */
export function trainerEnv(base: NodeJS.ProcessEnv, settings: VsmlSettings, workspaceRoot: string): NodeJS.ProcessEnv {
  return settings.dataFolder ? { ...base, VSML_DATA_DIR: resolveIn(workspaceRoot, settings.dataFolder) } : { ...base };
}
