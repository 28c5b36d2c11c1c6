// Generates docs/errors.md and docs/configuration.md from the code's own tables, so the
// references cannot drift: test/docs/references.test.ts fails when a file differs from this output.
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

export function configurationReference(): string {
  const rows = SETTINGS.map((s) => `| \`${s.key}\` | ${s.default === undefined ? '–' : `\`${s.default || '(empty)'}\``} | ${cell(s.description)} |`);
  return `# Configuration reference

Generated from \`src/config/schema.ts\` by \`npm run docs\`; a test fails when this file and the code disagree.
Every setting is an environment variable (or a key of the JSON file named by \`IDBRIDGE_CONFIG\`).
Invalid values stop the process at start with a message naming the setting.

| setting | default | meaning |
|---|---|---|
${rows.join('\n')}
`;
}
