// The error and configuration references are generated from the code; they must match it, and
// must list every code and setting API.md names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference, errorsReference } from '../../src/docs/reference.js';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('generated references', () => {
  it('docs/errors.md is what the code generates (run npm run docs)', () => {
    expect(read('docs/errors.md')).toBe(errorsReference());
  });

  it('docs/configuration.md is what the code generates (run npm run docs)', () => {
    expect(read('docs/configuration.md')).toBe(configurationReference());
  });

  it('lists every error code API.md names', () => {
    const api = read('../shared/API.md');
    const named = new Set([...api.matchAll(/`([a-z]+(?:_[a-z]+)*)`/g)].map((m) => m[1]));
    const errors = errorsReference();
    const codes = ['invalid_request', 'target_not_allowed', 'method_not_enabled', 'unauthorized', 'not_found', 'rate_limited', 'operation_not_supported', 'flow_not_supported', 'session_final', 'idempotency_conflict', 'webhook_url_not_allowed', 'user_cancelled', 'expired_transaction', 'start_failed', 'assurance_too_low'];
    for (const code of codes) {
      expect(named.has(code), `${code} in API.md`).toBe(true);
      expect(errors, code).toContain(`\`${code}\``);
    }
  });

  it('lists every setting API.md names', () => {
    const api = read('../shared/API.md');
    const keys = new Set([...api.matchAll(/`(IDBRIDGE_[A-Z_]+)`/g)].map((m) => m[1]));
    expect(keys.size).toBeGreaterThan(5);
    const conf = configurationReference();
    for (const key of keys) expect(conf, key).toContain(`\`${key}\``);
  });
});
