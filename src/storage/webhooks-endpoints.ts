// Webhook endpoints of a customer (API.md §5). The signing secrets are credentials: they are
// sealed at rest like personal data, with the endpoint id as associated data.
import type { Kysely } from 'kysely';
import { randomToken } from '../core/ids.js';
import { rotateSecrets, type StoredSecret } from '../webhooks/secret-rotation.js';
import type { Database, WebhookEndpointsTable } from './schema.js';
import type { Sealer } from './sealing.js';

export interface WebhookEndpoint {
  id: string;
  customer_id: string;
  url: string;
  /** Event-type filter; null = every session event. */
  events: string[] | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

type SealedSecret = { secret: string; created_at: number; expires_at: number | null };
const aad = (endpointId: string) => `webhook-secrets:${endpointId}`;
const date = (v: number | null) => (v === null ? null : new Date(Number(v)));

export function sealSecrets(sealer: Sealer, endpointId: string, secrets: readonly StoredSecret[]): string {
  const plain: SealedSecret[] = secrets.map((s) => ({ secret: s.secret, created_at: s.created_at.getTime(), expires_at: s.expires_at?.getTime() ?? null }));
  return sealer.seal(plain, aad(endpointId));
}

export function openSecrets(sealer: Sealer, endpointId: string, sealed: string): StoredSecret[] {
  return sealer.open<SealedSecret[]>(sealed, aad(endpointId)).map((s) => ({
    secret: s.secret, created_at: new Date(s.created_at), expires_at: date(s.expires_at),
  }));
}

function toEndpoint(r: WebhookEndpointsTable): WebhookEndpoint {
  return {
    id: r.id,
    customer_id: r.customer_id,
    url: r.url,
    events: r.events === null ? null : JSON.parse(r.events),
    status: r.status as WebhookEndpoint['status'],
    disabled_reason: r.disabled_reason,
    disabled_at: date(r.disabled_at),
    failing_since: date(r.failing_since),
    created_at: new Date(Number(r.created_at)),
    updated_at: new Date(Number(r.updated_at)),
  };
}

export interface NewWebhookEndpoint {
  customer_id: string;
  url: string;
  events: string[] | null;
  secret: string;
}

export function webhookEndpointQueries(db: Kysely<Database>, sealer: Sealer, dialect: 'sqlite' | 'postgres') {
  const live = (id: string, customerId: string) =>
    db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('customer_id', '=', customerId).where('status', '!=', 'deleted');
  return {
    async createWebhookEndpoint(e: NewWebhookEndpoint, now: Date): Promise<WebhookEndpoint> {
      const id = `whep_${randomToken(16)}`;
      const t = now.getTime();
      const row: WebhookEndpointsTable = {
        id, customer_id: e.customer_id, url: e.url, events: e.events?.length ? JSON.stringify(e.events) : null,
        secrets_sealed: sealSecrets(sealer, id, [{ secret: e.secret, created_at: now, expires_at: null }]),
        status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null, created_at: t, updated_at: t, deleted_at: null,
      };
      await db.insertInto('webhook_endpoints').values(row).execute();
      return toEndpoint(row);
    },
    async getWebhookEndpoint(id: string, customerId: string): Promise<WebhookEndpoint | null> {
      const row = await live(id, customerId).executeTakeFirst();
      return row ? toEndpoint(row) : null;
    },
    async listWebhookEndpoints(customerId: string): Promise<WebhookEndpoint[]> {
      const rows = await db.selectFrom('webhook_endpoints').selectAll().where('customer_id', '=', customerId)
        .where('status', '!=', 'deleted').orderBy('created_at').orderBy('id').execute();
      return rows.map(toEndpoint);
    },
    /** Soft delete: the delivery log keeps its rows; what was still pending is abandoned. */
    async deleteWebhookEndpoint(id: string, customerId: string, now: Date): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('webhook_endpoints').set({ status: 'deleted', deleted_at: now.getTime(), updated_at: now.getTime() })
          .where('id', '=', id).where('customer_id', '=', customerId).where('status', '!=', 'deleted').executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await tx.updateTable('webhook_deliveries').set({ status: 'abandoned', abandoned_reason: 'endpoint_deleted', lease_owner: null, lease_until: null })
          .where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
        return true;
      });
    },
    /** A new current secret; the replaced one keeps signing for 24 h (API.md §5). */
    async rotateWebhookSecret(id: string, customerId: string, now: Date): Promise<string | null> {
      return db.transaction().execute(async (tx) => {
        let q = tx.selectFrom('webhook_endpoints').select('secrets_sealed').where('id', '=', id)
          .where('customer_id', '=', customerId).where('status', '!=', 'deleted');
        if (dialect === 'postgres') q = q.forUpdate(); // two rotations at once must not lose one
        const row = await q.executeTakeFirst();
        if (!row) return null;
        const rotated = rotateSecrets(openSecrets(sealer, id, row.secrets_sealed), now);
        await tx.updateTable('webhook_endpoints').set({ secrets_sealed: sealSecrets(sealer, id, rotated.secrets), updated_at: now.getTime() })
          .where('id', '=', id).execute();
        return rotated.secret;
      });
    },
    /**
     * Re-enables after a 410 or 5 days of failure. Every delivery that waited is due at once: the
     * merchant says the endpoint is fixed, so one whose retry was hours away (after 5 days of
     * failure, up to 24 h) goes out now too. Those already due keep their times, so the claim
     * (oldest due first) sends what queued while disabled in the order it happened. Enabling an endpoint that is not disabled changes nothing.
     */
    async enableWebhookEndpoint(id: string, customerId: string, now: Date): Promise<WebhookEndpoint | null> {
      const t = now.getTime();
      return db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('webhook_endpoints')
          .set({ status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null, updated_at: t })
          .where('id', '=', id).where('customer_id', '=', customerId).where('status', '=', 'disabled').executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) {
          await tx.updateTable('webhook_deliveries').set({ next_attempt_at: t })
            .where('endpoint_id', '=', id).where('status', '=', 'pending').where('next_attempt_at', '>', t).execute();
        }
        const row = await tx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id)
          .where('customer_id', '=', customerId).where('status', '!=', 'deleted').executeTakeFirst();
        return row ? toEndpoint(row) : null;
      });
    },
  };
}
