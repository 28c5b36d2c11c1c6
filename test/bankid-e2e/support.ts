// A BankID simulator (over mutual TLS, with its certs in a temp dir) and a broker configured for
// it only through IDBRIDGE_BANKID_* as an operator would, plus calls to the simulated phone app.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Clock } from '../../src/core/ids.js';
import { startBankIdSimulator, type BankIdSimulator } from '../../src/providers/bankid-se/simulator/index.js';
import type { OrderTiming } from '../../src/providers/bankid-se/simulator/order.js';
import { startBroker, type TestBroker } from '../support/broker.js';

export const PERSON = '199001011239';

/** Real time plus an offset: the simulator's orders age normally, and a test can jump ahead. */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface BankIdWorld {
  sim: BankIdSimulator;
  clock: OffsetClock;
  b: TestBroker;
  certsDir: string;
  app(path: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface BankIdWorldOptions {
  /** The simulator's timing, e.g. a start window shorter than BankID's 30 s. */
  timing?: Partial<OrderTiming>;
  /** The broker's own clock (default: the real one), for a test that jumps to a session's expiry. */
  brokerClock?: Clock;
}

export async function startBankIdWorld(env: Record<string, string> = {}, opts: BankIdWorldOptions = {}): Promise<BankIdWorld> {
  const certsDir = mkdtempSync(join(tmpdir(), 'idbridge-bankid-'));
  const clock = new OffsetClock();
  const sim = await startBankIdSimulator({ clock, certsDir, timing: opts.timing });
  const b = await startBroker('sqlite', {
    ...(opts.brokerClock ? { clock: opts.brokerClock } : {}),
    env: {
      IDBRIDGE_BANKID_ENV: 'simulated',
      IDBRIDGE_BANKID_URL: sim.rpUrl,
      IDBRIDGE_BANKID_CA: join(certsDir, 'ca.pem'),
      IDBRIDGE_BANKID_PFX: join(certsDir, 'client.p12'),
      IDBRIDGE_BANKID_PASSPHRASE: readFileSync(join(certsDir, 'client-passphrase.txt'), 'utf8').trim(),
      ...env,
    },
  });
  const agent = new Agent({ connect: { ca: sim.caPem } });
  return {
    sim, clock, b, certsDir,
    async app(path, body) {
      const res = await request(`${sim.url}${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.body.text();
      return { status: res.statusCode, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await b.close();
      await agent.close();
      await sim.close();
      rmSync(certsDir, { recursive: true, force: true });
    },
  };
}

/** Reads the session until `done` holds (the collector works server-side every 2 s). */
export async function waitFor(b: TestBroker, id: string, done: (s: any) => boolean, key?: string, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const read = await b.api(`/v1/sessions/${id}`, { key });
    if (done(read.body)) return read.body;
    if (Date.now() > until) throw new Error(`session ${id} stayed ${JSON.stringify(read.body.status)} ${JSON.stringify(read.body.progress)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
