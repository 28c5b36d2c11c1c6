// zod -> JSON Schema (2020-12, what OpenAPI 3.1 speaks) for the route schemas, so that the schema a
// handler validates with and the one the API reference shows are the same object.
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/** Long generated patterns that say nothing `format` does not already say. */
const PATTERN_SAID_BY_FORMAT = new Set(['date-time', 'base64']);
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/**
 * Drops what zod adds for validators and nobody reads: `$schema`, patterns spelled out by `format`,
 * integer bounds of ±2^53. `open` also drops `additionalProperties: false` (answers may gain fields).
 */
export function tidy(node: unknown, opts: { open?: boolean } = {}): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, opts));
  if (!node || typeof node !== 'object') return node;
  const src = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$schema') continue;
    if (k === 'pattern' && PATTERN_SAID_BY_FORMAT.has(String(src.format))) continue;
    if ((k === 'maximum' && v === SAFE_INT) || (k === 'minimum' && v === -SAFE_INT)) continue;
    if (opts.open && k === 'additionalProperties' && v === false) continue;
    out[k] = tidy(v, opts);
  }
  return out;
}

/**
 * The JSON Schema of a zod schema. `input` for what a caller sends (defaults are optional),
 * `output` for what the API answers. Refinements zod cannot express stay in prose (`notes`).
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return tidy(z.toJSONSchema(schema, { io, unrepresentable: 'any' })) as JsonSchema;
}

/**
 * Adds descriptions to an object schema's properties (dotted paths reach nested objects). The
 * request schemas belong to the handlers; their prose belongs to the reference, so it is laid on
 * here, with any keyword a refinement enforces that zod cannot write (e.g. a length in code points).
 */
export function describe(schema: JsonSchema, descriptions: Record<string, string | JsonSchema>): JsonSchema {
  for (const [path, text] of Object.entries(descriptions)) {
    let node: JsonSchema | undefined = schema;
    for (const key of path.split('.')) node = objectPart(node)?.properties?.[key] as JsonSchema | undefined;
    if (!node) throw new Error(`describe: no property ${path}`);
    Object.assign(node, typeof text === 'string' ? { description: text } : text);
  }
  return schema;
}

/** The object branch of a schema that may be `anyOf: [object, null]`. */
function objectPart(node: JsonSchema | undefined): { properties?: Record<string, unknown> } | undefined {
  if (!node) return undefined;
  if (node.properties) return node as { properties: Record<string, unknown> };
  const branch = (node.anyOf as JsonSchema[] | undefined)?.find((b) => b.properties);
  return branch as { properties?: Record<string, unknown> } | undefined;
}
