// Row types as Kysely sees them. Times are epoch milliseconds (bigint in PostgreSQL, integer in
// SQLite) so both dialects compare and sort them the same way; JSON is text.
import type { Generated } from 'kysely';

export interface CustomersTable {
  id: string;
  name: string;
  targets: string;
  frame_origins: string;
  methods: string;
  retention_hours: number;
  allow_private_webhooks: number;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  customer_id: string;
  prefix: string;
  digest: string;
  created_at: number;
  revoked_at: number | null;
}

export interface SessionsTable {
  id: string;
  customer_id: string;
  page_token: string;
  status: string;
  method: string;
  operation: string;
  flow: string;
  relay_state: string | null;
  metadata: string | null;
  options: string;
  personal_sealed: string | null;
  provider_sealed: string | null;
  launch: string | null;
  progress: string | null;
  error: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
  completed_at: number | null;
  result_erased_at: number | null;
  retention_hours: number;
  /** Migration 007: completed_at + retention while personal data awaits erasure, else null. */
  erase_after: number | null;
  browser_binding: string | null;
  callback_key: string | null;
  /** Migration 004: the browser that may return from an OIDC provider (storage/callback-binding.ts). */
  callback_binding?: string | null;
  next_check_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface IdempotencyTable {
  customer_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
  seq: Generated<number>;
}

// Webhooks (migration 002, API.md §5).
export interface WebhookEndpointsTable {
  id: string;
  customer_id: string;
  url: string;
  events: string | null;
  secrets_sealed: string;
  status: string;
  disabled_reason: string | null;
  disabled_at: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface WebhookEventsTable {
  id: string;
  customer_id: string;
  session_id: string | null;
  type: string;
  body: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  customer_id: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_status: number | null;
  created_at: number;
  delivered_at: number | null;
  /** 'retries_exhausted' | 'endpoint_disabled' | 'endpoint_deleted'; null unless abandoned (migration 009). */
  abandoned_reason: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  number: number;
  started_at: number;
  status: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

// The broker's keys toward OIDC upstreams (migration 003).
export interface BrokerKeysTable {
  method: string;
  jwks_sealed: string;
  created_at: number;
}

// Named leases of the background sweeps (migration 006).
export interface JobLeasesTable {
  name: string;
  owner: string;
  lease_until: number;
}

export interface Database {
  customers: CustomersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  broker_keys: BrokerKeysTable;
  job_leases: JobLeasesTable;
}
