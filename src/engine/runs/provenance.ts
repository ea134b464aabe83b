/**
 * What produced a run (docs/contracts.md §1, "Provenance"): the lab's version and git commit, the
 * git commit of the repository holding the config, the machine, Node, the runner and the data's
 * checksums. Recorded in config.json and status.json so a result can be traced to its code and data.
 *
 * Nothing here may fail a run: git missing, not a repository, a slow `git status` (a short timeout)
 * all leave the git fields out. The lab's own git state is read once per process; the config's
 * repository once per call (a resume may run from another checkout).
 */
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DatasetFingerprint, GitState, Provenance, RunnerInfo } from '../../protocol/run-records';

/** git answers in milliseconds on a healthy checkout; a network file system or a huge repo must not hold a run up. */
const GIT_TIMEOUT_MS = 3000;

/** Runs git in `cwd`; resolves to its trimmed stdout, or undefined on any failure (no git, not a repo, timeout). */
function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((done) => {
    try {
      // GIT_OPTIONAL_LOCKS=0: `git status` must not take index.lock and get in the researcher's way.
      execFile('git', [...args], { cwd, timeout: GIT_TIMEOUT_MS, windowsHide: true, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) => done(err ? undefined : String(stdout).trim()));
    } catch {
      done(undefined);
    }
  });
}

/**
 * The git state of the repository holding `dir`: its root, HEAD and whether tracked files differ
 * from HEAD. Untracked files do not count: run folders, data and build output are usually untracked
 * and would mark every checkout dirty. Undefined when `dir` is in no repository or git is missing.
 */
export async function gitStateOf(dir: string): Promise<(GitState & { root: string }) | undefined> {
  const top = await git(dir, ['rev-parse', '--show-toplevel']);
  const commit = top ? await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']) : undefined;
  if (!top || !commit || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined; // no repository, or one without commits
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no']);
  return { root: top, commit, ...(status === undefined ? {} : { dirty: status.length > 0 }) };
}

/** The folder holding the lab's package.json (the bundle runs from dist/, tests from src/engine/runs/). */
export function labRoot(from = __dirname): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'vsml-lab') return dir;
    } catch {
      // no package.json here: go up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let labCache: Promise<Provenance['lab']> | undefined;

/**
 * The lab's version (package.json) and, when it runs from its own git checkout, the commit and
 * dirty flag. An installed extension is no checkout: a repository that merely encloses the install
 * folder (a home folder under git) is not the lab's and is not reported.
 */
export function labProvenance(): Promise<Provenance['lab']> {
  labCache ??= (async () => {
    const root = labRoot();
    let version = 'unknown';
    if (!root) return { version };
    try {
      version = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      // keep 'unknown'
    }
    const g = await gitStateOf(root);
    const same = (a: string, b: string): boolean => {
      try {
        return realpathSync(a) === realpathSync(b);
      } catch {
        return false;
      }
    };
    if (!g || !same(g.root, root)) return { version };
    return { version, commit: g.commit, ...(g.dirty === undefined ? {} : { dirty: g.dirty }) };
  })();
  return labCache;
}

export interface ProvenanceInputs {
  /** The .vsml.json the run came from: its repository is the researcher's code. */
  readonly configFile?: string;
  readonly runner?: RunnerInfo & { readonly precision: string };
  /** Checksums of the data (they load the datasets): one that throws is logged through `warn` and left out. */
  readonly datasets?: () => Readonly<Record<string, DatasetFingerprint>>;
  readonly warn?: (message: string) => void;
  readonly host?: string;
  readonly now?: Date;
}

function fingerprints(inputs: ProvenanceInputs): Readonly<Record<string, DatasetFingerprint>> {
  try {
    return inputs.datasets?.() ?? {};
  } catch (e) {
    // The run itself will say why a dataset does not load; its provenance just lacks the checksum.
    inputs.warn?.(`could not checksum the datasets for the run's provenance: ${e instanceof Error ? e.message : String(e)}`);
    return {};
  }
}

/** Everything that produced a run, as recorded in config.json and status.json. Never throws. */
export async function collectProvenance(inputs: ProvenanceInputs): Promise<Provenance> {
  const [lab, ws] = await Promise.all([labProvenance(), inputs.configFile ? gitStateOf(dirname(resolve(inputs.configFile))) : undefined]);
  return {
    lab,
    ...(ws ? { workspace: ws } : {}),
    host: inputs.host ?? hostname(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    ...(inputs.runner ? { runner: inputs.runner } : {}),
    datasets: fingerprints(inputs),
    recordedAt: (inputs.now ?? new Date()).toISOString(),
  };
}

/** config.json: the resolved config plus the provenance of the run (docs/contracts.md §1). */
export function withProvenance(resolvedConfig: unknown, provenance: Provenance): unknown {
  return resolvedConfig !== null && typeof resolvedConfig === 'object' && !Array.isArray(resolvedConfig) ? { ...resolvedConfig, provenance } : resolvedConfig;
}
