// Bearer API keys (API.md §2). Keys are looked up by SHA-256 digest; a short cache keeps the hot
// path off the database while a revocation still takes effect within 5 s on every node.
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { keyDigest, type Customer } from '../storage/customers.js';
import type { Store } from '../storage/store.js';

const CACHE_MS = 2000;

declare module 'fastify' {
  interface FastifyRequest {
    customer: Customer;
  }
}

export function createAuthenticator(store: Store, clock: Clock) {
  const cache = new Map<string, { customer: Customer | null; until: number }>();
  return async function authenticate(req: FastifyRequest): Promise<void> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'Send Authorization: Bearer <api_key>.', undefined, { 'www-authenticate': 'Bearer' });
    const digest = keyDigest(match[1]);
    const now = clock.now().getTime();
    let hit = cache.get(digest);
    if (!hit || hit.until < now) {
      hit = { customer: await store.findCustomerByKeyDigest(digest), until: now + CACHE_MS };
      if (cache.size > 10_000) cache.clear();
      cache.set(digest, hit);
    }
    if (!hit.customer) throw new ApiError('unauthorized', 'Unknown or revoked API key.', undefined, { 'www-authenticate': 'Bearer' });
    req.customer = hit.customer;
  };
}
