// The in-memory DeliveryPort: reference behaviour for the SQL implementation (see the contract
// comments in src/webhooks/delivery-port.ts). Tests only.
import type { AbandonReason, AttemptRecord, DeliveryOutcome, DeliveryPort, DueDelivery, QueueStats } from '../../../src/webhooks/delivery-port.js';
import type { PortFixture } from './port-fixture.js';

export interface MemoryEndpoint {
  id: string;
  url: string;
  secrets: string[];
  allow_private: boolean;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
}

export interface MemoryDelivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  body: string;
  state: 'pending' | 'delivered' | 'abandoned';
  attempts: number;
  next_attempt_at: Date;
  leased_by: string | null;
  leased_until: Date | null;
  created_at: Date;
  abandoned_reason: AbandonReason | null;
}

export class MemoryDeliveryPort implements DeliveryPort {
  endpoints = new Map<string, MemoryEndpoint>();
  deliveries = new Map<string, MemoryDelivery>();
  attempts: Array<AttemptRecord & { delivery_id: string }> = [];
  private seq = 0;

  addEndpoint(fields: Pick<MemoryEndpoint, 'url' | 'secrets'> & Partial<MemoryEndpoint>): MemoryEndpoint {
    const endpoint: MemoryEndpoint = {
      id: `whep_${++this.seq}`, allow_private: true, status: 'enabled', disabled_reason: null, disabled_at: null, failing_since: null, ...fields,
    };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  enqueue(endpointId: string, eventId: string, body: string, now: Date): MemoryDelivery {
    const delivery: MemoryDelivery = {
      id: `whdl_${++this.seq}`, event_id: eventId, endpoint_id: endpointId, body, state: 'pending', attempts: 0,
      next_attempt_at: now, leased_by: null, leased_until: null, created_at: now, abandoned_reason: null,
    };
    this.deliveries.set(delivery.id, delivery);
    return delivery;
  }

  attemptsOf(deliveryId: string): AttemptRecord[] {
    return this.attempts.filter((a) => a.delivery_id === deliveryId);
  }

  async claimDue(owner: string, now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const due = [...this.deliveries.values()]
      .filter((d) => d.state === 'pending' && d.next_attempt_at <= now)
      .filter((d) => !d.leased_until || d.leased_until <= now)
      .filter((d) => this.endpoints.get(d.endpoint_id)?.status === 'enabled')
      .sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime())
      .slice(0, limit);
    return due.map((d) => {
      d.leased_by = owner;
      d.leased_until = new Date(now.getTime() + leaseMs);
      const e = this.endpoints.get(d.endpoint_id)!;
      return {
        delivery_id: d.id, event_id: d.event_id, endpoint_id: e.id, url: e.url, secrets: [...e.secrets],
        allow_private: e.allow_private, body: d.body, attempts: d.attempts, created_at: d.created_at,
        endpoint_failing_since: e.failing_since,
      };
    });
  }

  async recordAttempt(owner: string, deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void> {
    this.attempts.push({ ...attempt, delivery_id: deliveryId });
    const d = this.deliveries.get(deliveryId)!;
    const e = this.endpoints.get(d.endpoint_id)!;
    e.failing_since = outcome.kind === 'delivered' ? null : (e.failing_since ?? attempt.started_at);
    if (d.leased_by !== owner || d.state === 'delivered') return;
    d.attempts = attempt.number;
    d.leased_by = null;
    d.leased_until = null;
    if (outcome.kind === 'delivered') d.state = 'delivered';
    if (outcome.kind === 'retry') d.next_attempt_at = outcome.next_attempt_at;
    if (outcome.kind === 'abandoned') {
      d.state = 'abandoned';
      d.abandoned_reason = outcome.reason;
    }
  }

  async disableEndpoint(endpointId: string, reason: string, now: Date): Promise<void> {
    const e = this.endpoints.get(endpointId)!;
    if (e.status !== 'enabled') return;
    e.status = 'disabled';
    e.disabled_reason = reason;
    e.disabled_at = now;
  }

  async abandonHeld(now: Date, heldMs: number, limit: number): Promise<number> {
    const cutoff = now.getTime() - heldMs;
    const held = [...this.deliveries.values()].filter((d) => {
      const e = this.endpoints.get(d.endpoint_id);
      return d.state === 'pending' && d.next_attempt_at.getTime() <= cutoff && (!d.leased_until || d.leased_until <= now)
        && e?.status === 'disabled' && (!e.disabled_at || e.disabled_at.getTime() <= cutoff);
    }).slice(0, limit);
    for (const d of held) Object.assign(d, { state: 'abandoned', abandoned_reason: 'endpoint_disabled', leased_by: null, leased_until: null });
    return held.length;
  }

  async queueStats(): Promise<QueueStats> {
    const all = [...this.deliveries.values()].filter((d) => d.state === 'pending');
    const pending = all.filter((d) => this.endpoints.get(d.endpoint_id)?.status === 'enabled');
    const oldest = pending.reduce<Date | null>((o, d) => (!o || d.created_at < o ? d.created_at : o), null);
    return { depth: pending.length, oldest_pending_created_at: oldest, held: all.length - pending.length };
  }
}

export function createMemoryPortFixture(): PortFixture {
  const port = new MemoryDeliveryPort();
  const endpoint = async (id: string) => ({ ...port.endpoints.get(id)! });
  return {
    port,
    addEndpoint: async (fields) => ({ ...port.addEndpoint(fields) }),
    async updateEndpoint(id, fields) {
      Object.assign(port.endpoints.get(id)!, fields);
    },
    endpoint,
    enqueue: async (endpointId, eventId, body, now) => ({ id: port.enqueue(endpointId, eventId, body, now).id }),
    delivery: async (id) => ({ ...port.deliveries.get(id)! }),
    attemptsOf: async (id) => port.attemptsOf(id),
    close: async () => undefined,
  };
}
