import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MethodId } from '../core/types.js';
import type { Database } from './schema.js';
import { shortenRetention } from './sessions.js';

export interface Customer {
  id: string;
  name: string;
  targets: string[];
  frame_origins: string[];
  methods: MethodId[];
  retention_hours: number;
  allow_private_webhooks: boolean;
  created_at: Date;
  updated_at: Date;
}

export type CustomerPatch = Partial<Pick<Customer, 'name' | 'targets' | 'frame_origins' | 'methods' | 'retention_hours' | 'allow_private_webhooks'>>;

/** API keys are stored as SHA-256 digests (API.md §2): they carry 160 random bits, so no slow hash. */
export function keyDigest(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

function toCustomer(row: Database['customers']): Customer {
  return {
    id: row.id,
    name: row.name,
    targets: JSON.parse(row.targets),
    frame_origins: JSON.parse(row.frame_origins),
    methods: JSON.parse(row.methods),
    retention_hours: row.retention_hours,
    allow_private_webhooks: Boolean(row.allow_private_webhooks),
    created_at: new Date(Number(row.created_at)),
    updated_at: new Date(Number(row.updated_at)),
  };
}

export function customerQueries(db: Kysely<Database>) {
  return {
    async createCustomer(c: Customer): Promise<void> {
      await db
        .insertInto('customers')
        .values({
          id: c.id,
          name: c.name,
          targets: JSON.stringify(c.targets),
          frame_origins: JSON.stringify(c.frame_origins),
          methods: JSON.stringify(c.methods),
          retention_hours: c.retention_hours,
          allow_private_webhooks: c.allow_private_webhooks ? 1 : 0,
          created_at: c.created_at.getTime(),
          updated_at: c.updated_at.getTime(),
        })
        .execute();
    },
    async getCustomer(id: string): Promise<Customer | null> {
      const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toCustomer(row) : null;
    },
    async listCustomers(): Promise<Customer[]> {
      const rows = await db.selectFrom('customers').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toCustomer);
    },
    async updateCustomer(id: string, patch: CustomerPatch, now: Date): Promise<Customer | null> {
      const values: Partial<Database['customers']> = { updated_at: now.getTime() };
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.targets !== undefined) values.targets = JSON.stringify(patch.targets);
      if (patch.frame_origins !== undefined) values.frame_origins = JSON.stringify(patch.frame_origins);
      if (patch.methods !== undefined) values.methods = JSON.stringify(patch.methods);
      if (patch.retention_hours !== undefined) values.retention_hours = patch.retention_hours;
      if (patch.allow_private_webhooks !== undefined) values.allow_private_webhooks = patch.allow_private_webhooks ? 1 : 0;
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('customers').set(values).where('id', '=', id).execute();
        // A shorter retention also reaches the sessions already stored (README, design notes).
        if (patch.retention_hours !== undefined) await shortenRetention(tx, id, patch.retention_hours);
      });
      return this.getCustomer(id);
    },
    async addApiKey(k: { id: string; customer_id: string; prefix: string; digest: string; created_at: Date }): Promise<void> {
      await db.insertInto('api_keys').values({ ...k, created_at: k.created_at.getTime(), revoked_at: null }).execute();
    },
    /** Revokes by the key's printed prefix; answers how many keys it revoked (0 or 1). */
    async revokeApiKey(prefix: string, now: Date): Promise<number> {
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: now.getTime() })
        .where('prefix', '=', prefix)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async findCustomerByKeyDigest(digest: string): Promise<Customer | null> {
      const row = await db
        .selectFrom('api_keys')
        .innerJoin('customers', 'customers.id', 'api_keys.customer_id')
        .selectAll('customers')
        .where('api_keys.digest', '=', digest)
        .where('api_keys.revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? toCustomer(row) : null;
    },
  };
}
