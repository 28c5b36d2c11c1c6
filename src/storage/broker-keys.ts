// The broker's private JWK sets toward OIDC upstreams (migration 003). Sealed like personal data,
// with the method as associated data so a set cannot be moved to another upstream.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Sealer } from './sealing.js';

/** A private JWK set as the OIDC adapter generates it (src/providers/oidc/keys.ts). */
export interface StoredJwks {
  keys: Record<string, unknown>[];
}

const aad = (method: string) => `broker_keys:${method}`;

export function brokerKeyQueries(db: Kysely<Database>, sealer: Sealer) {
  async function getBrokerKeys(method: string): Promise<StoredJwks | null> {
    const row = await db.selectFrom('broker_keys').select('jwks_sealed').where('method', '=', method).executeTakeFirst();
    return row ? sealer.open<StoredJwks>(row.jwks_sealed, aad(method)) : null;
  }

  return {
    getBrokerKeys,
    /**
     * The method's key set, generated and stored on first use. Two nodes starting at once may both
     * generate; the primary key lets one insert win and both then read the winner (DESIGN.md "Scale").
     */
    async ensureBrokerKeys<T extends StoredJwks>(method: string, generate: () => Promise<T>, now: Date): Promise<T> {
      const existing = await getBrokerKeys(method);
      if (existing) return existing as T;
      const fresh = await generate();
      await db
        .insertInto('broker_keys')
        .values({ method, jwks_sealed: sealer.seal(fresh, aad(method)), created_at: now.getTime() })
        .onConflict((oc) => oc.column('method').doNothing())
        .execute();
      const stored = await getBrokerKeys(method);
      if (!stored) throw new Error(`broker keys for ${method} vanished after insert`);
      return stored as T;
    },
  };
}
