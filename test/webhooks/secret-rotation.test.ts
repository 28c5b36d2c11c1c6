import { describe, expect, it } from 'vitest';
import { activeSecrets, rotateSecrets, type StoredSecret } from '../../src/webhooks/secret-rotation.js';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';

const H = 3_600_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

describe('secret rotation', () => {
  it('keeps the old secret signing for 24 h beside the new one, newest first', () => {
    const first: StoredSecret = { secret: generateWebhookSecret(), created_at: t0, expires_at: null };
    const { secrets, secret } = rotateSecrets([first], at(1));
    expect(activeSecrets(secrets, at(1))).toEqual([secret, first.secret]);
    expect(activeSecrets(secrets, at(24.9))).toEqual([secret, first.secret]);
    expect(activeSecrets(secrets, at(25))).toEqual([secret]);
  });

  it('a second rotation within the day retires the oldest secret at once', () => {
    const first: StoredSecret = { secret: generateWebhookSecret(), created_at: t0, expires_at: null };
    const second = rotateSecrets([first], at(1));
    const third = rotateSecrets(second.secrets, at(2));
    expect(activeSecrets(third.secrets, at(2))).toEqual([third.secret, second.secret]);
  });
});
