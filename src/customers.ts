// Customer and API-key administration shared by the CLI and `dev`'s seeding.
import { randomBytes } from 'node:crypto';
import { randomToken } from './core/ids.js';
import { METHODS, type MethodId } from './core/types.js';
import { keyDigest, type Customer } from './storage/customers.js';
import type { Store } from './storage/store.js';

export interface NewCustomer {
  name: string;
  targets?: string[];
  frame_origins?: string[];
  methods?: MethodId[];
  retention_hours?: number;
  allow_private_webhooks?: boolean;
}

export class AdminError extends Error {}

export function checkUrlList(values: string[], what: 'target' | 'frame-origin'): void {
  for (const v of values) {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new AdminError(`--${what} ${v}: not a URL`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new AdminError(`--${what} ${v}: must be http or https`);
    if (what === 'frame-origin' && url.origin !== v) throw new AdminError(`--${what} ${v}: must be an origin like https://shop.example`);
  }
}

export function checkMethods(methods: string[]): MethodId[] {
  for (const m of methods) if (!(METHODS as readonly string[]).includes(m)) throw new AdminError(`--method ${m}: unknown (one of ${METHODS.join(', ')})`);
  return methods as MethodId[];
}

/** Issues a new key: `idbk_<8 hex prefix>_<32 random bytes>`; only its digest is stored. */
export async function issueApiKey(store: Store, customerId: string, now: Date): Promise<{ prefix: string; api_key: string }> {
  const prefix = `idbk_${randomBytes(4).toString('hex')}`;
  const api_key = `${prefix}_${randomToken(32)}`;
  await store.addApiKey({ id: `key_${randomToken(12)}`, customer_id: customerId, prefix, digest: keyDigest(api_key), created_at: now });
  return { prefix, api_key };
}

export async function addCustomer(store: Store, input: NewCustomer, now: Date): Promise<{ customer: Customer; api_key: string; prefix: string }> {
  checkUrlList(input.targets ?? [], 'target');
  checkUrlList(input.frame_origins ?? [], 'frame-origin');
  const customer: Customer = {
    id: `cus_${randomToken(12)}`,
    name: input.name,
    targets: input.targets ?? [],
    frame_origins: input.frame_origins ?? [],
    methods: input.methods?.length ? input.methods : [...METHODS],
    retention_hours: input.retention_hours ?? 24,
    allow_private_webhooks: input.allow_private_webhooks ?? false,
    created_at: now,
    updated_at: now,
  };
  await store.createCustomer(customer);
  const key = await issueApiKey(store, customer.id, now);
  return { customer, ...key };
}

export function customerJson(c: Customer): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    targets: c.targets,
    frame_origins: c.frame_origins,
    methods: c.methods,
    retention_hours: c.retention_hours,
    allow_private_webhooks: c.allow_private_webhooks,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}
