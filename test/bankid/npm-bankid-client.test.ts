// The npm `bankid` package (nobody here wrote it), configured for BankID's test environment with
// its bundled FP Testcert 5, drives the simulator over mutual TLS once pointed at its URL and CA.
import { BankIdClientV6, BankIdError } from 'bankid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrDataAt } from '../../src/providers/bankid-se/qr.js';
import { verifySimulatorSignature } from '../../src/providers/bankid-se/simulator/index.js';
import { OTHER_PERSON, PERSON, startHarness, type Harness } from './helpers.js';

let h: Harness;
let bankid: BankIdClientV6;

beforeAll(async () => {
  h = await startHarness();
  bankid = new BankIdClientV6({ production: false, ca: Buffer.from(h.sim.caPem), qrEnabled: false, refreshInterval: 50 });
  bankid.axios.defaults.baseURL = `${h.sim.rpUrl}/`;
  bankid.axios.defaults.proxy = false; // never leave 127.0.0.1, whatever the environment says
});
afterAll(() => h.close());

/** The simulated phone scans the order's current QR code. */
async function scan(order: { orderRef: string; qrStartToken: string; qrStartSecret: string }, action: string, person = PERSON) {
  const created = new Date(h.sim.orders.get(order.orderRef)!.createdAt);
  return h.appPost('/app/scan', { qr_data: qrDataAt(order, created, h.clock.now()), personal_number: person, action });
}

describe('npm bankid client against the simulator', () => {
  it('authenticates: auth, app scan and approve, collect complete', async () => {
    const order = await bankid.authenticate({ endUserIp: '127.0.0.1' });
    expect(order.orderRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(await bankid.collect({ orderRef: order.orderRef })).toEqual({ orderRef: order.orderRef, status: 'pending', hintCode: 'outstandingTransaction' });
    expect((await scan(order, 'approve')).status).toBe(200);
    const result = await bankid.awaitPendingCollect(order.orderRef);
    expect(result.status).toBe('complete');
    expect(result.completionData!.user.personalNumber).toBe(PERSON);
    expect(result.completionData!.device.ipAddress).toBe('127.0.0.1');
    expect(h.sim.calls.at(-1)).toMatchObject({ endpoint: 'collect', clientCn: 'FP Testcert 5', status: 200 });
  });

  it('signs, and the completion signature verifies against the simulator CA', async () => {
    const order = await bankid.sign({ endUserIp: '127.0.0.1', userVisibleData: 'Jag godkänner avtalet', userNonVisibleData: 'ref-42' });
    await scan(order, 'approve', OTHER_PERSON);
    const result = await bankid.collect({ orderRef: order.orderRef });
    expect(result.status).toBe('complete');
    const check = verifySimulatorSignature(result.completionData!.signature, h.sim.caPem);
    expect(check).toMatchObject({ valid: true, personalNumber: OTHER_PERSON, funcId: 'Signing', visibleText: 'Jag godkänner avtalet' });
    expect(Buffer.from(check.nonVisibleData!, 'base64').toString()).toBe('ref-42');
    expect(result.completionData!.ocspResponse.length).toBeGreaterThan(100);
  });

  it('cancels an order; collecting it afterwards is invalidParameters', async () => {
    const order = await bankid.authenticate({ endUserIp: '127.0.0.1' });
    expect(await bankid.cancel({ orderRef: order.orderRef })).toEqual({});
    await expect(bankid.collect({ orderRef: order.orderRef })).rejects.toMatchObject({ code: 'invalidParameters', details: 'No such order' });
  });

  it('maps alreadyInProgress and invalidParameters to BankIdError', async () => {
    const requirement = { personalNumber: PERSON, pinCode: false, mrtd: false };
    const first = await bankid.authenticate({ endUserIp: '127.0.0.1', requirement });
    const second = bankid.authenticate({ endUserIp: '127.0.0.1', requirement });
    await expect(second).rejects.toBeInstanceOf(BankIdError);
    await expect(second).rejects.toMatchObject({ code: 'alreadyInProgress', details: 'Order already in progress for pno' });
    // Reference §1.6: the first order is cancelled as well.
    expect(await bankid.collect({ orderRef: first.orderRef })).toMatchObject({ status: 'failed', hintCode: 'cancelled' });
    await expect(bankid.authenticate({ endUserIp: 'not-an-ip' })).rejects.toMatchObject({ code: 'invalidParameters', details: 'Invalid endUserIp' });
  });
});
