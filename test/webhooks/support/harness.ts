// Shared setup for dispatcher tests: a port fixture (memory unless IDBRIDGE_DELIVERY_PORT_FIXTURE
// names another), a manual clock at real time (so attempt
// timestamps are near the verifier's clock), a fake resolver, and no jitter.
import { vi } from 'vitest';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../../src/core/ids.js';
import { createDispatcher, type DispatcherOptions, type WebhookDispatcher } from '../../../src/webhooks/dispatcher.js';
import { buildSessionEvent, newWebhookMessageId, serializeEvent } from '../../../src/webhooks/event.js';
import { generateWebhookSecret } from '../../../src/webhooks/secret.js';
import type { Resolver } from '../../../src/webhooks/ssrf-guard.js';
import { loadPortFixture, type PortFixture } from './port-fixture.js';
import type { ReceivedRequest } from './receiver.js';

export interface Harness {
  clock: ManualClock;
  fx: PortFixture;
  registry: Registry;
  dispatcher: WebhookDispatcher;
  dns: Map<string, string>;
  lookups: string[];
  secret: string;
}

export async function createHarness(overrides: Partial<DispatcherOptions> = {}): Promise<Harness> {
  const clock = new ManualClock(new Date());
  const fx = await loadPortFixture();
  const port = fx.port;
  const registry = new Registry();
  const dns = new Map<string, string>();
  const lookups: string[] = [];
  const resolve: Resolver = async (host) => {
    lookups.push(host);
    const address = dns.get(host);
    if (!address) throw new Error(`ENOTFOUND ${host}`);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  const dispatcher = createDispatcher({
    port, clock, owner: 'node-a', resolve, random: () => 0.5, metrics: registry, concurrency: 8, ...overrides,
  });
  return { clock, fx, registry, dispatcher, dns, lookups, secret: generateWebhookSecret() };
}

export function sessionEventBody(id = 'ses_1', now = new Date()): string {
  const session = {
    id, status: 'complete' as const, method: 'demo' as const, operation: 'authenticate' as const,
    relay_state: 'rs-1', error: null, completed_at: now,
  };
  return serializeEvent(buildSessionEvent(session, now));
}

/** Enqueues one session event to a new endpoint; returns the ids. */
export async function enqueueEvent(h: Harness, url: string, extra: { secrets?: string[]; allow_private?: boolean } = {}) {
  const endpoint = await h.fx.addEndpoint({ url, secrets: extra.secrets ?? [h.secret], allow_private: extra.allow_private ?? true });
  const eventId = newWebhookMessageId();
  const delivery = await h.fx.enqueue(endpoint.id, eventId, sessionEventBody(), h.clock.now());
  return { endpoint, delivery, eventId };
}

/** Verifies with standardwebhooks as a receiver would at the moment of the attempt. */
export function verifyAsReceiver(req: ReceivedRequest, secret: string): unknown {
  const at = Number(req.headers['webhook-timestamp']) * 1000;
  const spy = vi.spyOn(Date, 'now').mockReturnValue(at + 1_000);
  try {
    return new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
  } finally {
    spy.mockRestore();
  }
}
