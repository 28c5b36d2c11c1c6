// The PortFixture over the real SQL storage, for the dispatcher suites (port-fixture.ts). Each
// fixture gets a fresh database of the dialect named by IDBRIDGE_DELIVERY_PORT_DIALECT (default
// sqlite). The fixture's `allow_private` is the customer's flag in SQL, so every endpoint gets a
// customer of its own.
import { randomToken } from '../../../src/core/ids.js';
import { createSealer } from '../../../src/storage/sealing.js';
import { openStore } from '../../../src/storage/store.js';
import { openSecrets, sealSecrets } from '../../../src/storage/webhooks-endpoints.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/storage/schema.js';
import { insertPlannedEvent, newDeliveryId } from '../../../src/storage/webhooks-outbox.js';
import type { PlannedEvent } from '../../../src/webhooks/outbox.js';
import { openDatabase, TEST_SECRET } from '../../support/databases.js';
import { migrateFresh } from './migrate.js';
import type { FixtureDelivery, FixtureEndpoint, PortFixture } from './port-fixture.js';

const date = (v: number | null) => (v === null ? null : new Date(Number(v)));

/** The same two rows as insertPlannedEvent in one round trip (a data-modifying CTE). */
async function enqueueOneStatement(db: Kysely<Database>, customerId: string, plan: PlannedEvent, now: Date): Promise<string> {
  const id = newDeliveryId();
  const t = now.getTime();
  await db.with('ev', (q) => q.insertInto('webhook_events')
    .values({ id: plan.event_id, customer_id: customerId, session_id: null, type: plan.type, body: plan.body, created_at: t }))
    .insertInto('webhook_deliveries')
    .values({
      id, event_id: plan.event_id, endpoint_id: plan.deliveries[0].endpoint_id, customer_id: customerId, status: 'pending', attempts: 0,
      next_attempt_at: t, lease_owner: null, lease_until: null, last_status: null, created_at: t, delivered_at: null,
    })
    .execute();
  return id;
}

export async function createPortFixture(): Promise<PortFixture> {
  const dialect = process.env.IDBRIDGE_DELIVERY_PORT_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
  const database = await openDatabase(dialect);
  const store = await openStore(database.url, TEST_SECRET, { poolSize: 20 });
  await migrateFresh(store);
  const sealer = createSealer(TEST_SECRET);
  const { db } = store;
  const customerOf = new Map<string, string>();
  const storedSecrets = (secrets: string[]) => secrets.map((secret, i) => ({ secret, created_at: new Date(Date.now() - i), expires_at: null }));

  async function endpoint(id: string): Promise<FixtureEndpoint> {
    const e = await db.selectFrom('webhook_endpoints as e').innerJoin('customers as c', 'c.id', 'e.customer_id')
      .selectAll('e').select('c.allow_private_webhooks').where('e.id', '=', id).executeTakeFirstOrThrow();
    return {
      id: e.id, url: e.url, secrets: openSecrets(sealer, e.id, e.secrets_sealed).map((s) => s.secret),
      allow_private: Boolean(e.allow_private_webhooks), status: e.status as FixtureEndpoint['status'],
      disabled_reason: e.disabled_reason, disabled_at: date(e.disabled_at), failing_since: date(e.failing_since),
    };
  }

  return {
    port: store.webhookDeliveryPort,
    async addEndpoint(fields) {
      const now = new Date();
      const customerId = `cus_${randomToken(8)}`;
      await store.createCustomer({
        id: customerId, name: 'Fixture', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24,
        allow_private_webhooks: fields.allow_private ?? true, created_at: now, updated_at: now,
      });
      const e = await store.createWebhookEndpoint({ customer_id: customerId, url: fields.url, events: null, secret: fields.secrets[0] ?? 'whsec_none' }, now);
      await db.updateTable('webhook_endpoints').set({ secrets_sealed: sealSecrets(sealer, e.id, storedSecrets(fields.secrets)) }).where('id', '=', e.id).execute();
      return endpoint(e.id);
    },
    async updateEndpoint(id, fields) {
      const { allow_private, secrets, failing_since, disabled_at, ...rest } = fields;
      const values: Record<string, unknown> = { ...rest };
      if (secrets) values.secrets_sealed = sealSecrets(sealer, id, storedSecrets(secrets));
      if (failing_since !== undefined) values.failing_since = failing_since?.getTime() ?? null;
      if (disabled_at !== undefined) values.disabled_at = disabled_at?.getTime() ?? null;
      if (Object.keys(values).length) await db.updateTable('webhook_endpoints').set(values).where('id', '=', id).execute();
      if (allow_private !== undefined) {
        const { customer_id } = await db.selectFrom('webhook_endpoints').select('customer_id').where('id', '=', id).executeTakeFirstOrThrow();
        await store.updateCustomer(customer_id, { allow_private_webhooks: allow_private }, new Date());
      }
    },
    endpoint,
    async enqueue(endpointId, eventId, body, now) {
      let customerId = customerOf.get(endpointId);
      if (!customerId) {
        customerId = (await db.selectFrom('webhook_endpoints').select('customer_id').where('id', '=', endpointId).executeTakeFirstOrThrow()).customer_id;
        customerOf.set(endpointId, customerId);
      }
      const plan = { event_id: eventId, type: 'session.completed' as const, body, deliveries: [{ endpoint_id: endpointId, next_attempt_at: now }] };
      if (store.dialect === 'postgres') return { id: await enqueueOneStatement(db, customerId, plan, now) };
      // The outbox's own insert; without a transaction here, as the throughput test enqueues thousands.
      const [id] = await insertPlannedEvent(db, customerId, null, plan, now);
      return { id };
    },
    async delivery(id): Promise<FixtureDelivery> {
      const d = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return {
        id: d.id, event_id: d.event_id, state: d.status as FixtureDelivery['state'], attempts: Number(d.attempts),
        next_attempt_at: new Date(Number(d.next_attempt_at)), leased_by: d.lease_owner, abandoned_reason: d.abandoned_reason,
      };
    },
    async attemptsOf(deliveryId) {
      const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('started_at').orderBy('number').execute();
      return rows.map((a) => ({
        number: Number(a.number), started_at: new Date(Number(a.started_at)), status: a.status,
        duration_ms: Number(a.duration_ms), error: a.error, response_excerpt: a.response_excerpt,
      }));
    },
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
