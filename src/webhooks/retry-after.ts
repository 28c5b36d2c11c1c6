// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Standard Webhooks 1.0
// "Delivery success and failure" asks senders to take it into account when scheduling.
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
