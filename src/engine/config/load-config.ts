import { basename } from 'node:path';
import { EngineError } from '../errors';
import { allocationIssues } from './allocation';
import { DatasetCatalog } from './dataset-facts';
import { readConfigFile } from './decode-config';
import { ConfigIssue, hasErrors, makeIssue } from './issues';
import { applyOverrides } from './overrides';
import { parseConfigText } from './parse-jsonc';
import { validateAgainstSchema } from './schema-validate';
import { semanticChecks } from './semantic-checks';
import { ExperimentConfig } from './types';

export interface LoadOptions {
  /** `--set path=value` overrides, applied before validation. */
  readonly overrides?: readonly string[];
  /** Dataset availability and facts from src/engine/data/ (injected; see dataset-facts.ts). */
  readonly catalog?: DatasetCatalog;
}

/**
 * The outcome of loading a config: the resolved config (defaults filled) when there is no error,
 * and every issue found either way (warnings too). One issue per problem.
 */
export type LoadResult =
  | { readonly ok: true; readonly config: ExperimentConfig; readonly issues: readonly ConfigIssue[] }
  | { readonly ok: false; readonly config?: undefined; readonly issues: readonly ConfigIssue[] };

/** Reads, parses, overrides, validates and checks a `*.vsml.json` file. Never throws for bad input. */
export async function loadConfigFile(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const read = await readConfigFile(file);
  if ('issue' in read) return { ok: false, issues: [read.issue] };
  return validateConfigText(read.text, file, options);
}

/** The same for text already in memory (the extension validates unsaved editor contents). */
export function validateConfigText(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseConfigText(text, file);
  if ('issue' in parsed) return { ok: false, issues: [parsed.issue] };
  return validateConfigValue(parsed.value, file, options);
}

/**
 * Validates a parsed config object (not modified). The name defaults to the file name without
 * `.vsml.json`; then overrides, schema (filling defaults), and the semantic checks.
 */
export function validateConfigValue(value: unknown, file: string, options: LoadOptions = {}): LoadResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [makeIssue(file, [], 'the config must be a JSON object', 'write { "training": { ... }, ... }', 'type')] };
  }
  const config = structuredClone(value) as Record<string, unknown>;
  if (config.name === undefined && file) {
    const stem = basename(file).replace(/\.vsml\.json$|\.json$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
    if (stem) config.name = stem.slice(0, 64);
  }
  const overrideIssues = applyOverrides(config, options.overrides ?? []);
  const schemaIssues = validateAgainstSchema(config, file);
  const semantic = semanticChecks(config as unknown as ExperimentConfig, file, schemaIssues, options.catalog);
  // Sizes are judged only on a config that is otherwise valid (every field has its type).
  const sizes = hasErrors([...overrideIssues, ...schemaIssues, ...semantic]) ? [] : allocationIssues(config as unknown as ExperimentConfig, file, options.catalog);
  const issues = [...overrideIssues, ...schemaIssues, ...semantic, ...sizes];
  if (hasErrors(issues)) return { ok: false, issues };
  return { ok: true, config: withoutUnavailableEvalDatasets(config as unknown as ExperimentConfig, issues), issues };
}

/** The config without the evaluation datasets a `dataset-unavailable` warning names (the run evaluates on the rest). */
function withoutUnavailableEvalDatasets(config: ExperimentConfig, issues: readonly ConfigIssue[]): ExperimentConfig {
  const dropped = new Set(issues
    .filter((i) => i.code === 'dataset-unavailable' && i.pointer[0] === 'evaluation' && i.pointer[1] === 'datasets')
    .map((i) => Number(i.pointer[2])));
  if (dropped.size === 0) return config;
  return { ...config, evaluation: { ...config.evaluation, datasets: config.evaluation.datasets.filter((_, k) => !dropped.has(k)) } };
}

/** For code that cannot go on without a config (trainer, CLI): the config, or the first error thrown as an EngineError. */
export function configOrThrow(result: LoadResult): ExperimentConfig {
  if (result.ok) return result.config;
  const first = result.issues.find((i) => i.severity === 'error') ?? result.issues[0];
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more problem${result.issues.length > 2 ? 's' : ''})` : '';
  throw new EngineError(first.path, `${first.message}${more}`, first.fix, first.file);
}

/**
 * The fields config.json of a run carries next to the experiment's keys (docs/contracts.md §1):
 * `source` (the .vsml.json it came from), `sweep` (the sweep that made it) and `provenance` (what
 * produced it). The schema does not allow them, so readers set them aside before validating.
 */
export const RUN_RECORD_FIELDS = ['source', 'sweep', 'provenance', 'kind'] as const;

/** A run's config.json without its run-record fields, plus its `source` when it is a string. */
export function splitRunFields(value: unknown): { config: unknown; source?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { config: value };
  const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const source = rest.source;
  for (const k of RUN_RECORD_FIELDS) delete rest[k];
  return { config: rest, ...(typeof source === 'string' ? { source } : {}) };
}

/**
 * Re-validates a run folder's `config.json` (docs/contracts.md: the resolved config plus the
 * trainer's `"source"`, `"sweep"`, `"provenance"` and `"kind"` fields, which are not part of an experiment and are set aside here).
 */
export function validateRunConfig(value: unknown, file: string, options: LoadOptions = {}): LoadResult & { readonly source?: string } {
  const { config, source } = splitRunFields(value);
  return { ...validateConfigValue(config, file, options), ...(source !== undefined ? { source } : {}) };
}
