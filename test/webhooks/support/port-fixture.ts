// What the dispatcher suites need from a DeliveryPort implementation besides the port itself:
// ways to set up endpoints and events and to look at the rows afterwards. The memory fixture is
// the default; the SQL storage runs the same suites by pointing IDBRIDGE_DELIVERY_PORT_FIXTURE at a
// module whose `createPortFixture()` returns this shape.
import type { AttemptRecord, DeliveryPort } from '../../../src/webhooks/delivery-port.js';
import type { MemoryEndpoint } from './memory-delivery-port.js';

/** The endpoint as the fixtures keep it: the same shape as the in-memory port's. */
export type FixtureEndpoint = MemoryEndpoint;

export interface FixtureDelivery {
  id: string;
  event_id: string;
  state: 'pending' | 'delivered' | 'abandoned';
  attempts: number;
  next_attempt_at: Date;
  leased_by: string | null;
  abandoned_reason: string | null;
}

export interface PortFixture {
  port: DeliveryPort;
  addEndpoint(fields: { url: string; secrets: string[]; allow_private?: boolean }): Promise<FixtureEndpoint>;
  updateEndpoint(id: string, fields: Partial<Omit<FixtureEndpoint, 'id'>>): Promise<void>;
  endpoint(id: string): Promise<FixtureEndpoint>;
  /** A pending delivery due at `now`, as the outbox writes it. */
  enqueue(endpointId: string, eventId: string, body: string, now: Date): Promise<{ id: string }>;
  delivery(id: string): Promise<FixtureDelivery>;
  attemptsOf(deliveryId: string): Promise<AttemptRecord[]>;
  close(): Promise<void>;
}

export async function loadPortFixture(): Promise<PortFixture> {
  const external = process.env.IDBRIDGE_DELIVERY_PORT_FIXTURE;
  if (external) {
    const mod = (await import(external)) as { createPortFixture(): Promise<PortFixture> };
    return mod.createPortFixture();
  }
  const { createMemoryPortFixture } = await import('./memory-delivery-port.js');
  return createMemoryPortFixture();
}
