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
  browser_binding: string | null;
  callback_key: string | null;
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

export interface Database {
  customers: CustomersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  idempotency_keys: IdempotencyTable;
}
