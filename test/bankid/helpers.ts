// Shared set-up of the BankID tests: a simulator on 127.0.0.1:0, our client, and JSON calls to
// the simulated app over HTTPS that trust only the simulator's CA.
import { Agent, request } from 'undici';
import { ManualClock } from '../../src/core/ids.js';
import { createBankIdClient, type BankIdClient } from '../../src/providers/bankid-se/client.js';
import { startBankIdSimulator, type BankIdSimulator, type BankIdSimulatorOptions } from '../../src/providers/bankid-se/simulator/index.js';

export const PERSON = '199001011239';
export const OTHER_PERSON = '198507099805';
export const COORDINATION = '199001611236';

export interface Harness {
  sim: BankIdSimulator;
  clock: ManualClock;
  client: BankIdClient;
  appPost(path: string, body: unknown): Promise<{ status: number; body: any }>;
  rawRequest(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; withCert?: boolean }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startHarness(options: BankIdSimulatorOptions = {}): Promise<Harness> {
  const clock = new ManualClock(new Date());
  const sim = await startBankIdSimulator({ clock, ...options });
  const client = createBankIdClient({ baseUrl: sim.rpUrl, pfx: sim.clientPfx, passphrase: sim.clientPassphrase, ca: sim.caPem });
  const anonymous = new Agent({ connect: { ca: sim.caPem } });
  const withCert = new Agent({ connect: { ca: sim.caPem, pfx: sim.clientPfx, passphrase: sim.clientPassphrase } });
  const rawRequest: Harness['rawRequest'] = async (path, init) => {
    const response = await request(`${sim.url}${path}`, {
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: init.withCert ? withCert : anonymous,
    });
    const text = await response.body.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* HTML or empty */ }
    return { status: response.statusCode, body, headers: response.headers };
  };
  return {
    sim,
    clock,
    client,
    rawRequest,
    appPost: (path, body) => rawRequest(path, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    async close() {
      await client.close();
      await anonymous.close();
      await withCert.close();
      await sim.close();
    },
  };
}

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
