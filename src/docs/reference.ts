// Generates docs/errors.md and docs/configuration.md from the code's own tables, so the
// references cannot drift: test/docs/references.test.ts fails when a file differs from this output.
import type { z } from 'zod';
import { API_ERRORS, SESSION_ERRORS } from '../core/errors.js';
import { SETTINGS } from '../config/schema.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function errorsReference(): string {
  const api = Object.entries(API_ERRORS).map(([code, e]) => `| \`${code}\` | ${e.status} | ${cell(e.title)} | ${cell(e.description)} |`);
  const session = Object.entries(SESSION_ERRORS).map(([code, d]) => `| \`${code}\` | ${cell(d)} |`);
  return `# Error reference

Generated from \`src/core/errors.ts\` by \`npm run docs\`; a test fails when this file and the code disagree.

## API errors

Every error answer is \`application/problem+json\`:
\`{"type", "title", "status", "code", "detail", "errors"?}\`. \`code\` is stable; \`errors\` lists
\`{"field", "message"}\` for \`invalid_request\`. \`type\` is a link to this list on the running
broker (\`/docs/errors#<code>\`).

| code | status | title | when |
|---|---|---|---|
${api.join('\n')}

## Session error codes

The \`error.code\` of a session that ended \`failed\` (API.md §3). Unknown provider codes pass
through in snake_case.

| code | meaning |
|---|---|
${session.join('\n')}
`;
}

// The parts of a zod (v4) schema this generator reads; zod keeps them on `def` and a few getters.
interface Introspected {
  def: { type: string; innerType?: Introspected; in?: Introspected };
  options?: readonly string[];
  minValue?: number | null;
  maxValue?: number | null;
  format?: string | null;
}

const code = (v: string | number) => `\`${v}\``;

/** What a setting accepts, read from its schema: the choices of an enum, the range of a number. */
export function allowedValues(schema: z.ZodType): string {
  const s = schema as unknown as Introspected;
  switch (s.def.type) {
    case 'optional':
      return allowedValues(s.def.innerType as unknown as z.ZodType);
    case 'pipe':
      // The booleans: an enum of spellings turned into true/false.
      return s.def.in?.options?.join(' ') === '0 1 true false yes no' ? `${code(1)} \\| ${code(0)} (also \`true\`/\`false\`, \`yes\`/\`no\`)` : allowedValues(s.def.in as unknown as z.ZodType);
    case 'enum':
      return (s.options ?? []).map(code).join(' \\| ');
    case 'number':
      return `integer ${s.minValue ?? '…'}–${s.maxValue ?? '…'}`;
    case 'string':
      return s.format === 'url' ? 'URL' : 'text';
    default:
      return 'text';
  }
}

export function configurationReference(): string {
  const rows = SETTINGS.map((s) => `| \`${s.key}\` | ${s.default === undefined ? '–' : `\`${s.default || '(empty)'}\``} | ${allowedValues(s.schema)} | ${cell(s.description)} |`);
  return `# Configuration reference

Generated from \`src/config/schema.ts\` by \`npm run docs\`; a test fails when this file and the code disagree.
Every setting is an environment variable (or a key of the JSON file named by \`IDBRIDGE_CONFIG\`).
Invalid values stop the process at start with a message naming the setting. "values" is what the
setting accepts: one of the listed choices, a whole number in the range, a URL, or free text.

| setting | default | values | meaning |
|---|---|---|---|
${rows.join('\n')}
`;
}
