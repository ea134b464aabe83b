import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { loadConfigFile } from '../config/load-config';
import { RolloutRunner } from '../model/rollout-runner';
import { RunFolder } from '../runs/run-folder';
import { runClone } from './run-clone';

export interface FindOrCloneContext {
  runner: RolloutRunner;
  /** Where run folders live (`.vsml/runs`). */
  runsDir: string;
  log?: (message: string) => void;
  signal?: AbortSignal;
}

/** Run folders of exactly this config name (`<name>-YYYYMMDD-HHMMSS-xxxx`), newest first. */
export function runsNamed(runsDir: string, name: string): string[] {
  if (!existsSync(runsDir)) return [];
  const id = new RegExp(`^${name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/[.]/g, '\\.')}-\\d{8}-\\d{6}-[0-9a-f]{4}$`);
  return readdirSync(runsDir).filter((d) => id.test(d)).sort().reverse().map((d) => join(runsDir, d));
}

/**
 * The clone a config describes: the newest FINISHED run of that config's name under `runsDir`
 * (a stopped or failed clone is not used), or, when there is none, a fresh `vsml clone` of it.
 * Returns the run folder.
 */
export async function findOrClone(configFile: string, ctx: FindOrCloneContext): Promise<string> {
  const res = await loadConfigFile(configFile);
  if (!res.ok) {
    const i = res.issues.find((x) => x.severity === 'error') ?? res.issues[0];
    throw new EngineError('optimizer.init_from', `names the clone config ${configFile}, which has a problem: ${i.path ? `${i.path}: ` : ''}${i.message}`, i.fix);
  }
  const found = runsNamed(ctx.runsDir, res.config.name).find((dir) => RunFolder.open(dir).readStatus()?.state === 'finished');
  if (found) {
    ctx.log?.(`starting from the clone in ${found} (newest finished run of ${configFile})`);
    return found;
  }
  ctx.log?.(`no finished run of ${configFile} under ${ctx.runsDir}: cloning first`);
  const outcome = await runClone({ config: res.config, source: configFile, runner: ctx.runner, runsDir: ctx.runsDir, signal: ctx.signal, events: { log: ctx.log } });
  if (ctx.signal?.aborted) throw new EngineError('optimizer.init_from', 'cloning was stopped before it finished', `run \`vsml clone ${configFile}\` to completion, then train again`);
  ctx.log?.(`cloned in ${outcome.seconds.toFixed(0)} s: ${Object.entries(outcome.datasets).map(([k, v]) => `${k} clone ${(100 * v.clone).toFixed(1)}% / teacher ${(100 * v.teacher).toFixed(1)}%`).join(', ')}`);
  return outcome.runDir;
}
