/**
 * Reads a JSON Schema (draft-07 subset the experiment schema uses) into the form's field list,
 * generically: objects become sections, enums dropdowns, booleans checkboxes, numbers and
 * integers numeric inputs with their bounds, strings text inputs; anything else (unions, arrays,
 * free-form objects) a JSON input. Pure: tested in node.
 */
export type FieldKind = 'section' | 'enum' | 'boolean' | 'number' | 'integer' | 'string' | 'json';

export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  $ref?: string;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
  definitions?: Record<string, SchemaNode>;
}

export interface FormField {
  kind: FieldKind;
  /** JSON path of the value. */
  path: string[];
  key: string;
  description?: string;
  default?: unknown;
  options?: unknown[];
  min?: number;
  max?: number;
  /** JSON fields whose type allows a string (e.g. ["string", "array"]): bare text is taken as that string. */
  acceptsString?: boolean;
  /** Sections only. */
  children?: FormField[];
}

const asNode = (x: unknown): SchemaNode => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as SchemaNode) : {});

/** Follows a local `$ref` (#/definitions/x or #/$defs/x); other refs are left as they are. */
export function resolveRef(root: SchemaNode, node: SchemaNode, depth = 0): SchemaNode {
  if (!node.$ref || depth > 16) return node;
  const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(node.$ref);
  if (!m) return node;
  const defs = asNode((root as Record<string, unknown>)[m[1]]) as Record<string, unknown>;
  const target = asNode(defs[decodeURIComponent(m[2])]);
  // Sibling keywords (description, default) of the $ref win over the target's.
  const { $ref: _ref, ...rest } = node;
  void _ref;
  return { ...resolveRef(root, target, depth + 1), ...rest };
}

function kindOf(n: SchemaNode): FieldKind {
  if (Array.isArray(n.enum) && n.enum.length > 0 && n.enum.every((e) => typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean')) return 'enum';
  const t = n.type;
  if (t === 'object' && n.properties) return 'section';
  if (t === 'boolean') return 'boolean';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'number';
  if (t === 'string') return 'string';
  return 'json';
}

export function formFields(rootSchema: unknown): FormField[] {
  const root = asNode(rootSchema);
  const walk = (node: SchemaNode, path: string[], depth: number): FormField[] => {
    const props = node.properties ?? {};
    return Object.entries(props)
      .filter(([key]) => key !== '$schema')
      .map(([key, raw]) => {
        const n = resolveRef(root, asNode(raw));
        const kind = depth > 8 ? 'json' : kindOf(n);
        const f: FormField = { kind, path: [...path, key], key };
        if (typeof n.description === 'string') f.description = n.description;
        if (n.default !== undefined) f.default = n.default;
        if (kind === 'enum') f.options = n.enum;
        if (kind === 'number' || kind === 'integer') {
          const min = n.minimum ?? n.exclusiveMinimum;
          const max = n.maximum ?? n.exclusiveMaximum;
          if (typeof min === 'number') f.min = min;
          if (typeof max === 'number') f.max = max;
        }
        if (kind === 'section') f.children = walk(n, f.path, depth + 1);
        if (kind === 'json' && (n.type === 'string' || (Array.isArray(n.type) && n.type.includes('string')))) f.acceptsString = true;
        return f;
      });
  };
  return walk(root, [], 0);
}

/** The value at a path of a parsed document, or undefined. */
export function valueAt(doc: unknown, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Parses what the user typed into a field into the value to write, or an error to show.
 * Numbers honour integer-ness and the schema's bounds; JSON fields must be valid JSON.
 */
export function parseFieldInput(f: FormField, raw: string): { value: unknown } | { error: string } {
  const s = raw.trim();
  switch (f.kind) {
    case 'number':
    case 'integer': {
      if (s === '') return { error: 'enter a number' };
      const v = Number(s);
      if (!Number.isFinite(v)) return { error: `"${raw}" is not a number` };
      if (f.kind === 'integer' && !Number.isInteger(v)) return { error: 'must be a whole number' };
      if (f.min !== undefined && v < f.min) return { error: `must be at least ${f.min}` };
      if (f.max !== undefined && v > f.max) return { error: `must be at most ${f.max}` };
      return { value: v };
    }
    case 'json':
      try {
        return { value: JSON.parse(s) as unknown };
      } catch (e) {
        if (f.acceptsString && !/^[[{"]/.test(s)) return { value: s };
        return { error: `not valid JSON: ${(e as Error).message}` };
      }
    case 'string':
      return { value: raw };
    default:
      return { error: `${f.kind} fields are not typed in` };
  }
}

/** Dotted path as the engine's problems name them (`model.vsml_rnn.layer_specs[0].size`). */
export function dotted(path: readonly string[]): string {
  return path.reduce((s, k) => (/^\d+$/.test(k) ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}
