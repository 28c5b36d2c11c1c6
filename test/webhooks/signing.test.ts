import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';
import { sign, signedHeaders } from '../../src/webhooks/signing.js';

const body = JSON.stringify({ type: 'session.completed', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'ses_1' } });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signing', () => {
  it('matches the reference library byte for byte', () => {
    const secret = generateWebhookSecret();
    const ts = 1_700_000_000;
    expect(sign('msg_abc', ts, body, [secret])).toBe(new Webhook(secret).sign('msg_abc', new Date(ts * 1000), body));
  });

  it('produces headers the standardwebhooks verifier accepts', () => {
    const secret = generateWebhookSecret();
    const headers = signedHeaders('msg_1', nowSeconds(), body, [secret]);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('msg_1');
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('fails verification for a tampered body, a wrong secret and an old timestamp', () => {
    const secret = generateWebhookSecret();
    const headers = { ...signedHeaders('msg_2', nowSeconds(), body, [secret]) };
    expect(() => new Webhook(secret).verify(body.replace('ses_1', 'ses_2'), headers)).toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    const old = { ...signedHeaders('msg_2', nowSeconds() - 10 * 60, body, [secret]) };
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
    const swappedId = { ...headers, 'webhook-id': 'msg_3' };
    expect(() => new Webhook(secret).verify(body, swappedId)).toThrow();
  });

  it('signs with every active secret during rotation; each alone verifies', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = { ...signedHeaders('msg_4', nowSeconds(), body, [newSecret, oldSecret]) };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('refuses ids with a full stop, fractional timestamps and an empty secret list', () => {
    const secret = generateWebhookSecret();
    expect(() => sign('msg.1', 1, body, [secret])).toThrow();
    expect(() => sign('msg_1', 1.5, body, [secret])).toThrow();
    expect(() => sign('msg_1', 1, body, [])).toThrow();
    expect(() => sign('msg_1', 1, body, ['whsec_short'])).toThrow();
  });
});
