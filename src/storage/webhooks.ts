// Webhook storage, spread into the Store like the other query builders: endpoints, the outbox
// the session service writes in its transaction, the SQL DeliveryPort, and the delivery log.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Sealer } from './sealing.js';
import { createSqlDeliveryPort } from './webhooks-delivery-port.js';
import { webhookEndpointQueries } from './webhooks-endpoints.js';
import { webhookLogQueries } from './webhooks-log.js';
import { webhookOutboxQueries } from './webhooks-outbox.js';

export type { WebhookEndpoint } from './webhooks-endpoints.js';
export type { DeliveryPage, DeliveryRecord } from './webhooks-log.js';

export function webhookQueries(db: Kysely<Database>, sealer: Sealer, dialect: 'sqlite' | 'postgres') {
  return {
    ...webhookEndpointQueries(db, sealer, dialect),
    ...webhookOutboxQueries(db),
    ...webhookLogQueries(db, dialect),
    /** The dispatcher's port (src/webhooks/delivery-port.ts). */
    webhookDeliveryPort: createSqlDeliveryPort(db, sealer, dialect),
  };
}
