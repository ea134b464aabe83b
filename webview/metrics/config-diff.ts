/**
 * The config comparison: each run's config.json flattened to dotted keys, one row per key, with
 * "differs" set when the selected runs do not all agree. Pure.
 */
export interface DiffRow {
  key: string;
  /** One rendered value per run ('' when the run's config lacks the key). */
  values: string[];
  differs: boolean;
}

export function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

export function configDiff(configs: readonly unknown[], differencesOnly: boolean): DiffRow[] {
  const flat = configs.map((c) => flatten(c));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const rows = keys.map((key) => {
    const values = flat.map((f) => f.get(key) ?? '');
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
  return differencesOnly ? rows.filter((r) => r.differs) : rows;
}
