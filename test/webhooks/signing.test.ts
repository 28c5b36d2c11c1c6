import { describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';
import { sign, signedHeaders } from '../../src/webhooks/signing.js';
import { harness, receiver, useCleanup } from './support/cleanup.js';
import { enqueueEvent } from './support/harness.js';

useCleanup();

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

  it('fails verification for a timestamp too far in the future (beyond the 5 min tolerance)', () => {
    const secret = generateWebhookSecret();
    const ahead = { ...signedHeaders('msg_5', nowSeconds() + 10 * 60, body, [secret]) };
    expect(() => new Webhook(secret).verify(body, ahead)).toThrow(/too new/);
    const slightlyAhead = { ...signedHeaders('msg_5', nowSeconds() + 60, body, [secret]) };
    expect(() => new Webhook(secret).verify(body, slightlyAhead)).not.toThrow();
  });

  it('a captured real delivery verifies near its send time and fails with the verifier clock 6 min off', async () => {
    const h = await harness();
    const r = await receiver();
    await enqueueEvent(h, r.url);
    expect(await h.dispatcher.runOnce()).toBe(1);
    const [captured] = r.requests;
    const sentAt = Number(captured.headers['webhook-timestamp']) * 1000;
    const verifyAt = (ms: number) => {
      const spy = vi.spyOn(Date, 'now').mockReturnValue(ms);
      try {
        return new Webhook(h.secret).verify(captured.body, captured.headers as Record<string, string>);
      } finally {
        spy.mockRestore();
      }
    };
    expect(verifyAt(sentAt + 4 * 60_000)).toMatchObject({ type: 'session.completed' });
    expect(() => verifyAt(sentAt + 6 * 60_000)).toThrow(/too old/); // a replay 6 min later
    expect(() => verifyAt(sentAt - 6 * 60_000)).toThrow(/too new/); // a receiver clock 6 min behind
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
