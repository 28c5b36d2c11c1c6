// API.md §7 "BankID RP API v6 simulator", `POST /app/scan`: "A forged code, or one whose time is more
// than 1 s ahead of the order's age or more than 5 s behind it, is refused (4xx)". Held here at its
// edges: codes just inside either edge are accepted, codes just outside are refused.
//
// The order's age is known only between two bounds: it was made between our request and its answer,
// and the code was judged between our scan and its answer. A step whose bounds straddle an edge
// proves nothing either way; it is counted inconclusive and the scenario runs again on a new order.
// The simulator keeps no database, so this file runs once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON, qrData, simCall, startSimulator, type HttpsRes, type Simulator } from './harness/bankid.js';
import { sleep } from './harness/processes.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.stop());

interface Order { orderRef: string; qrStartToken: string; qrStartSecret: string; sentAt: number; answeredAt: number }

async function order(): Promise<Order> {
  const sentAt = Date.now();
  const r = await simCall(sim, 'POST', '/rp/v6.0/auth', { endUserIp: '127.0.0.1' }, { pfx: sim.clientPfx, passphrase: sim.passphrase });
  expect(r.status, r.text).toBe(200);
  return { ...r.body, sentAt, answeredAt: Date.now() };
}

/** API.md's rule: accepted unless more than 1 s ahead of the age or more than 5 s behind it. */
const allowed = (seconds: number, age: number) => seconds <= age + 1 && seconds >= age - 5;

class Inconclusive extends Error {}

/**
 * At (about) `ageS` into the order, scans the code of `seconds`; expects the simulator to `accept`
 * it or not. Throws Inconclusive when the order's possible ages at the judgement fall on both sides
 * of an edge.
 */
async function scanAt(o: Order, ageS: number, seconds: number, accept: boolean): Promise<HttpsRes> {
  await sleep(Math.max(0, o.answeredAt + ageS * 1000 - Date.now()));
  const low = (Date.now() - o.answeredAt) / 1000;
  const r = await simCall(sim, 'POST', '/app/scan', { qr_data: qrData(o.qrStartToken, o.qrStartSecret, seconds), personal_number: PERSON, action: 'approve' });
  const high = (Date.now() - o.sentAt) / 1000;
  if (allowed(seconds, low) !== accept || allowed(seconds, high) !== accept) {
    throw new Inconclusive(`code ${seconds} judged at an age between ${low.toFixed(3)} and ${high.toFixed(3)} s`);
  }
  if (accept) expect(r.status, `code ${seconds} at age ${low.toFixed(2)}–${high.toFixed(2)} s: ${r.text}`).toBe(200);
  else {
    expect(r.status, `code ${seconds} at age ${low.toFixed(2)}–${high.toFixed(2)} s`).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  }
  return r;
}

const collect = async (orderRef: string) =>
  (await simCall(sim, 'POST', '/rp/v6.0/collect', { orderRef }, { pfx: sim.clientPfx, passphrase: sim.passphrase })).body;

/** Runs `scenario` on fresh orders until one run is conclusive (at most 4). */
async function conclusive(scenario: (o: Order) => Promise<void>): Promise<void> {
  const reasons: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const o = await order();
    try {
      await scenario(o);
      return;
    } catch (err) {
      if (!(err instanceof Inconclusive)) throw err;
      reasons.push(err.message);
      await simCall(sim, 'POST', '/rp/v6.0/cancel', { orderRef: o.orderRef }, { pfx: sim.clientPfx, passphrase: sim.passphrase });
    }
  }
  throw new Error(`timing too loose to judge the edge four times over: ${reasons.join('; ')}`);
}

describe('API.md §7 animated QR codes at the edges of "1 s ahead" and "5 s behind"', () => {
  it('a code just under 1 s ahead of the order\'s age is accepted', async () => {
    await conclusive(async (o) => {
      await scanAt(o, 0, 1, true); // at an age just above 0: about 0.9+ s ahead
      expect((await collect(o.orderRef)).status).toBe('complete');
    });
  });

  it('a code more than 1 s ahead is refused (about 1.2 s), and the order stays pending', async () => {
    await conclusive(async (o) => {
      await scanAt(o, 0.8, 2, false);
      expect((await collect(o.orderRef)).status).toBe('pending');
      await simCall(sim, 'POST', '/rp/v6.0/cancel', { orderRef: o.orderRef }, { pfx: sim.clientPfx, passphrase: sim.passphrase });
    });
  });

  it('a code 4 s behind the order\'s age is accepted', async () => {
    await conclusive(async (o) => {
      await scanAt(o, 4.1, 0, true);
      expect((await collect(o.orderRef)).status).toBe('complete');
    });
  }, 60_000);

  it('a code just over 5 s behind is refused (about 5.2 s), one just under 5 s behind (about 4.6 s) accepted on the same order', async () => {
    await conclusive(async (o) => {
      await scanAt(o, 5.2, 0, false);
      expect((await collect(o.orderRef)).status).toBe('pending');
      await scanAt(o, 5.6, 1, true);
      expect((await collect(o.orderRef)).status).toBe('complete');
    });
  }, 60_000);
});
