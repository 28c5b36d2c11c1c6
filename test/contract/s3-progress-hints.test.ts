// API.md §3 "Sessions": "`progress.code` is the provider's hint in snake_case (BankID:
// `outstanding_transaction`, `no_client`, `started`, `user_mrtd`, `user_call_confirm`, `user_sign`;
// unknown hints pass through)" and "`version` rises by one at every change", seen by read and by the
// event stream; a headless order carries the merchant's `end_user_ip`; the merchant's cancel
// cancels the provider order. BankID is a scripted RP API here, so that every hint can be produced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { EventStream } from './harness/http.js';
import { eventually } from './harness/processes.js';
import { ScriptedBankId } from './harness/scripted-bankid.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
/** BankID's pending hint codes after the first, then one BankID does not have (yet). */
const HINTS: [string, string][] = [
  ['noClient', 'no_client'],
  ['started', 'started'],
  ['userMrtd', 'user_mrtd'],
  ['userCallConfirm', 'user_call_confirm'],
  ['userSign', 'user_sign'],
  ['userQuantumCheck', 'user_quantum_check'],
];

let bankid: ScriptedBankId;
beforeAll(async () => {
  bankid = await new ScriptedBankId().start();
});
afterAll(() => bankid?.close());

describe.each(DIALECTS)('API.md §3 progress hints and version (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;

  beforeAll(async () => {
    stack = await startStack(dialect, { serveEnv: bankid.serveEnv });
    shop = at(await stack.customer({ name: 'Hint Shop' }), stack.url);
  });
  afterAll(() => stack?.stop());

  it('each hint reaches progress.code in snake_case, unknown ones too, one version per change; the stream shows every version once', async () => {
    const known = new Set(bankid.orders.keys());
    const s = await shop.api.create({ method: 'se-bankid', flow: 'headless', end_user_ip: '192.0.2.44', relay_state: 'hints' });
    const order = bankid.list().find((o) => !known.has(o.orderRef))!;
    expect(order).toBeTruthy();
    // The headless create passed the merchant's end_user_ip to the order (BankID endUserIp).
    expect(order.request.endUserIp).toBe('192.0.2.44');
    const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, { authorization: `Bearer ${shop.api_key}` });
    const first = await eventually(async () => {
      const x = await shop.api.read(s.id);
      return x.progress?.code === 'outstanding_transaction' ? x : null;
    }, 8000);
    expect(first).toBeTruthy();
    let version = first.version;
    const seen: [string, number][] = [['outstanding_transaction', version]];
    for (const [hint, code] of HINTS) {
      order.hint = hint;
      const read = await eventually(async () => {
        const x = await shop.api.read(s.id);
        return x.progress?.code === code ? x : null;
      }, 10_000);
      expect(read, `${hint} → ${code}`).toBeTruthy();
      expect(read).toMatchObject({ status: 'pending', progress: { code, message: expect.any(String) } });
      expect(read.progress.message.length).toBeGreaterThan(0);
      expect(read.version, `version after ${hint}`).toBe(version + 1);
      version = read.version;
      seen.push([code, version]);
    }
    // The same hint collected again is no change: the version stays.
    const still = await shop.api.read(s.id);
    await new Promise((r) => setTimeout(r, 4500)); // two more collects
    expect((await shop.api.read(s.id)).version).toBe(still.version);
    const c = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
    expect(c.body).toMatchObject({ status: 'cancelled', version: version + 1 });
    // The merchant's cancel reached BankID for this order.
    const cancelled = await eventually(async () => bankid.calls.some((x) => x.endpoint === 'cancel' && x.body.orderRef === order.orderRef), 5000);
    expect(cancelled).toBe(true);
    expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
    const ids = stream.events.map((e) => Number(e.id));
    // From the version the stream started at, every version once, in order, up to the cancel.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => ids[0] + i));
    expect(ids.at(-1)).toBe(version + 1);
    const codes = stream.events.map((e) => JSON.parse(e.data).progress?.code ?? null);
    for (const [code, v] of seen) if (v >= ids[0]) expect(codes[v - ids[0]]).toBe(code);
    stream.close();
  }, 90_000);
});
