// Secret rotation (API.md §5: after rotate-secret "both secrets sign for 24 h"). Standard Webhooks
// 1.0 "Webhook headers": signing with the old and the new key at once gives zero-downtime rotation.
// Pure functions over the list the storage keeps per endpoint.
import { generateWebhookSecret } from './secret.js';

export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface StoredSecret {
  secret: string;
  created_at: Date;
  /** null for the current secret; set when a newer one replaces it. */
  expires_at: Date | null;
}

/** The secrets that sign now, newest first. */
export function activeSecrets(secrets: readonly StoredSecret[], now: Date): string[] {
  return secrets
    .filter((s) => s.expires_at === null || s.expires_at > now)
    .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
    .map((s) => s.secret);
}

/**
 * A new current secret; the one it replaces keeps signing for 24 h, older ones stop at once
 * (a second rotation within the day must not keep a possibly leaked key alive).
 */
export function rotateSecrets(secrets: readonly StoredSecret[], now: Date): { secrets: StoredSecret[]; secret: string } {
  const secret = generateWebhookSecret();
  const overlapEnd = new Date(now.getTime() + ROTATION_OVERLAP_MS);
  const kept = secrets
    .filter((s) => s.expires_at === null)
    .map((s) => ({ ...s, expires_at: overlapEnd }));
  return { secret, secrets: [{ secret, created_at: now, expires_at: null }, ...kept] };
}
