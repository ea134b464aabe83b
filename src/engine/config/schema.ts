import schemaJson from '../../../schemas/experiment.schema.json';

/** The subset of JSON Schema our schema uses. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  examples?: unknown[];
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
}

/** schemas/experiment.schema.json, bundled into the build. */
export const experimentSchema: SchemaNode = schemaJson as SchemaNode;

function deref(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const m = /^#\/definitions\/(.+)$/.exec(node.$ref);
  const target = m ? experimentSchema.definitions?.[m[1]] : undefined;
  if (!target) throw new Error(`experiment schema: unresolved $ref ${node.$ref}`);
  return { ...target, ...node, $ref: undefined };
}

/**
 * The schema of the value at `pointer` (segments of a JSON path), or undefined when the
 * schema has no such place. Numeric segments step into arrays; any key steps into a map
 * (`dataset_stats`).
 */
export function schemaAt(pointer: readonly string[], root: SchemaNode = experimentSchema): SchemaNode | undefined {
  let node: SchemaNode | undefined = deref(root);
  for (const seg of pointer) {
    if (!node) return undefined;
    if (node.properties && Object.prototype.hasOwnProperty.call(node.properties, seg)) node = deref(node.properties[seg]);
    else if (node.items && /^\d+$/.test(seg)) node = deref(node.items);
    else if (typeof node.additionalProperties === 'object') node = deref(node.additionalProperties);
    else return undefined;
  }
  return node;
}

/** The keys an object at `pointer` may have. */
export function keysAt(pointer: readonly string[]): string[] {
  return Object.keys(schemaAt(pointer)?.properties ?? {});
}

/** Every fixed property path of the schema, e.g. ['training', 'population_size'] (not inside arrays or maps). */
export function allPropertyPointers(node: SchemaNode = experimentSchema, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  const n = deref(node);
  for (const [k, child] of Object.entries(n.properties ?? {})) {
    out.push([...prefix, k]);
    out.push(...allPropertyPointers(child, [...prefix, k]));
  }
  return out;
}

/** The schema's JSON type(s) of a node, as a list. */
export function typesOf(node: SchemaNode): string[] {
  return node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
}
