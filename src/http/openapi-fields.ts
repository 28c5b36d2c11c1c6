// Reads JSON Schemas of the OpenAPI document for the /docs page: a type in words, its limits, and
// an object's fields flattened (`sign.text`) into rows. Named schemas are links, not expanded.
import { esc } from './html.js';

export type Schema = { [key: string]: unknown };

export interface FieldRow {
  name: string;
  type: string; // HTML
  required: boolean;
  notes: string; // HTML
}

const REF_PREFIX = '#/components/schemas/';

/** Parts of a note as sentences: each ends with one full stop. */
export function sentences(parts: string[]): string {
  return parts.filter(Boolean).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(' ');
}

/** Text with `code` spans (the descriptions' only markup), escaped. */
export function prose(text: unknown): string {
  return esc(text ?? '').replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function refName(s: Schema): string | null {
  return typeof s.$ref === 'string' && s.$ref.startsWith(REF_PREFIX) ? s.$ref.slice(REF_PREFIX.length) : null;
}

export const schemaLink = (name: string) => `<a href="#schema-${esc(name)}">${esc(name)}</a>`;

/** `anyOf: [X, {type: null}]` and `type: [X, 'null']` as X plus nullable. */
function unNull(s: Schema): { base: Schema; nullable: boolean } {
  const anyOf = s.anyOf as Schema[] | undefined;
  if (anyOf?.length === 2 && anyOf.some((b) => b.type === 'null')) return { base: anyOf.find((b) => b.type !== 'null')!, nullable: true };
  if (Array.isArray(s.type) && s.type.includes('null')) {
    const rest = s.type.filter((t) => t !== 'null');
    return { base: { ...s, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  return { base: s, nullable: false };
}

export function typeLabel(s: Schema): string {
  const { base, nullable } = unNull(s);
  const name = refName(base);
  let label: string;
  if (name) label = schemaLink(name);
  else if (base.const !== undefined) label = `<code>${esc(JSON.stringify(base.const))}</code>`;
  else if (Array.isArray(base.enum)) label = base.enum.map((v) => `<code>${esc(v)}</code>`).join(' | ');
  else if (base.type === 'array') label = `array of ${typeLabel((base.items as Schema) ?? {})}`;
  else if (Array.isArray(base.anyOf) || Array.isArray(base.oneOf)) label = ((base.anyOf ?? base.oneOf) as Schema[]).map(typeLabel).join(' or ');
  else if (base.type === 'object' && !base.properties && base.additionalProperties !== undefined) label = 'object (any fields)';
  else label = esc(Array.isArray(base.type) ? base.type.join(' | ') : (base.type ?? 'any')) + (base.format ? ` (${esc(base.format)})` : '');
  return nullable ? `${label} | null` : label;
}

/** Limits and default, in words. */
export function limits(s: Schema): string {
  const { base } = unNull(s);
  const out: string[] = [];
  const pair = (lo: unknown, hi: unknown, unit: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${lo} to ${hi}${unit}`);
    else if (lo === 1 && unit) out.push('Not empty');
    else if (lo !== undefined) out.push(`At least ${lo}${unit}`);
    else if (hi !== undefined) out.push(`At most ${hi}${unit}`);
  };
  pair(base.minimum, base.maximum, '');
  pair(base.minLength, base.maxLength, ' characters');
  pair(base.minItems, base.maxItems, ' items');
  if (typeof base.pattern === 'string') out.push(`Pattern <code>${esc(base.pattern)}</code>`);
  if (base.default !== undefined) out.push(`Default <code>${esc(JSON.stringify(base.default))}</code>`);
  return sentences(out);
}

/** An inline object (possibly nullable) whose fields are worth showing under its own name. */
function inlineObject(s: Schema): Schema | null {
  const { base } = unNull(s);
  return base.type === 'object' && base.properties ? base : null;
}

export function fieldRows(schema: Schema, prefix = ''): FieldRow[] {
  const obj = inlineObject(schema);
  if (!obj) return [];
  const required = new Set((obj.required as string[] | undefined) ?? []);
  return Object.entries(obj.properties as Record<string, Schema>).flatMap(([key, prop]) => {
    const name = prefix + key;
    const notes = sentences([prose(prop.description), limits(prop)]);
    const row: FieldRow = { name, type: inlineObject(prop) ? (unNull(prop).nullable ? 'object | null' : 'object') : typeLabel(prop), required: required.has(key), notes };
    return [row, ...fieldRows(prop, `${name}.`)];
  });
}

export function fieldTable(rows: FieldRow[], first = 'Field'): string {
  if (!rows.length) return '';
  const body = rows.map((r) => `<tr><td><code>${esc(r.name)}</code>${r.required ? ' <span class="req">required</span>' : ''}</td><td>${r.type}</td><td>${r.notes}</td></tr>`).join('');
  return `<table><thead><tr><th>${esc(first)}</th><th>Type</th><th>Notes</th></tr></thead><tbody>${body}</tbody></table>`;
}
