// Standard Webhooks 1.0 signing ("Signature scheme" and "Webhook headers"): the signed content is
// `{msg_id}.{timestamp}.{payload}`, HMAC-SHA256 with the secret's raw bytes, sent as `v1,<base64>`.
// Several secrets (rotation) give several signatures, space-delimited in one header, so a
// receiver holding either the old or the new secret verifies without downtime.
import { createHmac } from 'node:crypto';
import { parseWebhookSecret } from './secret.js';

export interface WebhookHeaders {
  'content-type': 'application/json';
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

// The spec forbids `.` in the id and timestamp: it would make the signed content ambiguous.
const SAFE_ID = /^[A-Za-z0-9_-]{1,255}$/;

function signOne(key: Buffer, content: string): string {
  return 'v1,' + createHmac('sha256', key).update(content, 'utf8').digest('base64');
}

/** The `webhook-signature` value for one message under every active secret. */
export function sign(msgId: string, timestampSeconds: number, body: string, secrets: readonly string[]): string {
  if (!SAFE_ID.test(msgId)) throw new Error('webhook id must be [A-Za-z0-9_-]');
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error('webhook timestamp must be whole seconds');
  }
  if (secrets.length === 0) throw new Error('at least one webhook secret is needed to sign');
  const content = `${msgId}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => signOne(parseWebhookSecret(secret), content)).join(' ');
}

/** The request headers of one attempt; the timestamp is the attempt's, not the event's. */
export function signedHeaders(
  msgId: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): WebhookHeaders {
  return {
    'content-type': 'application/json',
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': sign(msgId, timestampSeconds, body, secrets),
  };
}
