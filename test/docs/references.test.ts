// The error and configuration references are generated from the code; they must match it, and
// must list every code and setting API.md names. The names are read from API.md itself
// (test/docs/api-md-names.ts), so a code or key added to the contract fails here until documented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/schema.js';
import { configurationReference, errorsReference } from '../../src/docs/reference.js';
import { apiErrorCodes, sessionErrorCodes, settingChoices, settingKeys } from './api-md-names.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');
const API = read('../shared/API.md');

/** The part of a generated reference from its `## heading` to the next one. */
function part(doc: string, heading: string): string {
  const start = doc.indexOf(`## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The table row of `key` in a generated reference. */
const row = (doc: string, key: string) => doc.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));

describe('generated references', () => {
  it('docs/errors.md is what the code generates (run npm run docs)', () => {
    expect(read('docs/errors.md')).toBe(errorsReference());
  });

  it('docs/configuration.md is what the code generates (run npm run docs)', () => {
    expect(read('docs/configuration.md')).toBe(configurationReference());
  });

  it('reads the error codes out of API.md (at least the ones it names today)', () => {
    // A floor, so a change of wording that the reader misses fails here rather than passing empty.
    expect([...apiErrorCodes(API)]).toEqual(expect.arrayContaining(['invalid_request', 'target_not_allowed', 'method_not_enabled', 'unauthorized', 'not_found', 'rate_limited', 'operation_not_supported', 'flow_not_supported', 'session_final', 'idempotency_conflict', 'webhook_url_not_allowed']));
    expect([...sessionErrorCodes(API)]).toEqual(expect.arrayContaining(['user_cancelled', 'expired_transaction', 'start_failed', 'assurance_too_low']));
    // Field names and progress hints are not error codes.
    for (const notACode of ['relay_state', 'outstanding_transaction', 'end_user_ip', 'se_personnummer']) {
      expect(apiErrorCodes(API).has(notACode) || sessionErrorCodes(API).has(notACode), notACode).toBe(false);
    }
  });

  it('lists every API error code API.md names among the API errors, every session error code among the session codes', () => {
    const errors = errorsReference();
    const apiPart = part(errors, 'API errors');
    const sessionPart = part(errors, 'Session error codes');
    for (const code of apiErrorCodes(API)) expect(row(apiPart, code), `API error ${code}`).toBeDefined();
    for (const code of sessionErrorCodes(API)) expect(row(sessionPart, code), `session error ${code}`).toBeDefined();
  });

  it('lists every setting API.md names, written in backticks or not', () => {
    const keys = settingKeys(API);
    expect(keys.has('IDBRIDGE_ENABLE_DEMO')).toBe(true); // written `IDBRIDGE_ENABLE_DEMO=1` in API.md
    expect(keys.size).toBeGreaterThan(5);
    const conf = configurationReference();
    for (const key of keys) expect(row(conf, key), key).toBeDefined();
  });

  it('shows the values of every choice setting, including those API.md spells out', () => {
    const conf = configurationReference();
    const choices = settingChoices(API);
    expect(choices.get('IDBRIDGE_BANKID_ENV')).toEqual(['simulated', 'test', 'production']);
    for (const [key, values] of choices) for (const v of values) expect(row(conf, key), `${key} ${v}`).toContain(`\`${v}\``);
    for (const s of SETTINGS) {
      const options = (s.schema as unknown as { options?: string[] }).options;
      if (options) for (const v of options) expect(row(conf, s.key), `${s.key} ${v}`).toContain(`\`${v}\``);
    }
  });
});
