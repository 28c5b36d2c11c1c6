import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, isWebhookSecret, parseWebhookSecret } from '../../src/webhooks/secret.js';

describe('webhook secrets (whsec_)', () => {
  it('generates whsec_ + base64 of 32 random bytes, different every time', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(parseWebhookSecret(a)).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(() => new Webhook(a)).not.toThrow();
  });

  it('refuses secrets outside the spec: prefix, base64, 24 to 64 bytes', () => {
    const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');
    expect(isWebhookSecret(`whsec_${b64(24)}`)).toBe(true);
    expect(isWebhookSecret(`whsec_${b64(64)}`)).toBe(true);
    expect(isWebhookSecret(`whsec_${b64(23)}`)).toBe(false);
    expect(isWebhookSecret(`whsec_${b64(65)}`)).toBe(false);
    expect(isWebhookSecret(b64(32))).toBe(false);
    expect(isWebhookSecret('whsec_not*base64*at*all*not*base64*at*all*')).toBe(false);
    expect(isWebhookSecret('whsec_')).toBe(false);
  });
});
