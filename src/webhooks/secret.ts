// Endpoint signing secrets (Standard Webhooks 1.0, "Signature scheme": symmetric secrets are
// random, at least 24 bytes and at most 64, serialised as base64 with the `whsec_` prefix so
// that every verifier library recognises them).
import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const GENERATED_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_BYTES).toString('base64');
}

/** The raw key bytes of a `whsec_` secret; throws on anything else, so a typo never signs. */
export function parseWebhookSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('webhook secret must start with whsec_');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
    throw new Error('webhook secret is not valid base64');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
    throw new Error(`webhook secret must hold ${MIN_BYTES} to ${MAX_BYTES} bytes`);
  }
  return key;
}

export function isWebhookSecret(secret: string): boolean {
  try {
    parseWebhookSecret(secret);
    return true;
  } catch {
    return false;
  }
}
