// Registering a webhook endpoint, shared by the API (POST /v1/webhook-endpoints) and the CLI
// (`customers add --webhook-url`): the URL passes the SSRF guard first (API.md §5: "checked at
// registration … also for a host that does not resolve"), then the endpoint gets a new secret.
import type { Store } from '../storage/store.js';
import type { WebhookEndpoint } from '../storage/webhooks.js';
import { generateWebhookSecret } from './secret.js';
import { checkWebhookUrl, type Resolver } from './ssrf-guard.js';

export interface EndpointRegistration {
  customer_id: string;
  allow_private: boolean;
  url: string;
  events: string[] | null;
}

export type RegistrationResult =
  | { ok: true; endpoint: WebhookEndpoint; secret: string }
  | { ok: false; reason: string };

export async function registerEndpoint(
  store: Pick<Store, 'createWebhookEndpoint'>,
  input: EndpointRegistration,
  opts: { now: Date; resolve?: Resolver },
): Promise<RegistrationResult> {
  const checked = await checkWebhookUrl(input.url, { allowPrivate: input.allow_private, resolve: opts.resolve });
  if (!checked.ok) return { ok: false, reason: checked.reason };
  const secret = generateWebhookSecret();
  const endpoint = await store.createWebhookEndpoint({ customer_id: input.customer_id, url: input.url, events: input.events, secret }, opts.now);
  return { ok: true, endpoint, secret };
}
