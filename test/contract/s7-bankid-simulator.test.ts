// API.md §7 "BankID RP API v6 simulator": `idbridge bankid-simulator --port P --certs DIR` as its own
// process; /rp/v6.0/{auth,sign,phone/auth,phone/sign,collect,cancel} over mutual TLS with the client
// certificate it writes (and FP Testcert 5 through the npm `bankid` package); 401 without a
// trusted client certificate; errors {errorCode, details}; the simulated app: /app, /app/scan with
// BankID's animated QR code (HMAC-SHA256, computed here from the public algorithm), stale and
// forged codes refused, /app/autostart, hold. The simulator keeps no database, so this file runs once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankIdClientV6 } from 'bankid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnCheckDigitValid, OTHER_PERSON, PERSON, qrData, simCall, startSimulator, type Simulator } from './harness/bankid.js';
import { sleep } from './harness/processes.js';

let sim: Simulator;
let client: { pfx: Buffer; passphrase: string };

beforeAll(async () => {
  sim = await startSimulator();
  client = { pfx: sim.clientPfx, passphrase: sim.passphrase };
});
afterAll(() => sim?.stop());

const rp = (path: string, body: unknown) => simCall(sim, 'POST', `/rp/v6.0/${path}`, body, client);

/** An RP order and the moment it was answered (its age is at least the time since then). */
async function order(kind: 'auth' | 'sign' = 'auth', extra: Record<string, unknown> = {}) {
  const r = await rp(kind, { endUserIp: '127.0.0.1', ...(kind === 'sign' ? { userVisibleData: Buffer.from('Jag godkänner').toString('base64') } : {}), ...extra });
  expect(r.status, r.text).toBe(200);
  return { ...r.body, at: Date.now() } as { orderRef: string; autoStartToken: string; qrStartToken: string; qrStartSecret: string; at: number };
}

const currentQr = (o: { qrStartToken: string; qrStartSecret: string; at: number }) => qrData(o.qrStartToken, o.qrStartSecret, Math.floor((Date.now() - o.at) / 1000));
const scan = (qr: string, action = 'approve', personal_number = PERSON) => simCall(sim, 'POST', '/app/scan', { qr_data: qr, personal_number, action });
const collect = async (orderRef: string) => (await rp('collect', { orderRef })).body;

describe('API.md §7 BankID RP API v6 simulator', () => {
  it('writes the CA of its server certificate to DIR/ca.pem (and the RP client certificate beside it)', () => {
    expect(readFileSync(join(sim.dir, 'ca.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(existsSync(join(sim.dir, 'client.p12'))).toBe(true);
    expect(sim.proc.stdout).toContain(join(sim.dir, 'ca.pem'));
    expect(luhnCheckDigitValid(PERSON) && luhnCheckDigitValid(OTHER_PERSON)).toBe(true);
  });

  it('the server certificate names localhost and 127.0.0.1', async () => {
    expect((await simCall(sim, 'GET', '/app', undefined, null)).status).toBe(200);
    expect((await simCall(sim, 'GET', '/app', undefined, null, { servername: 'localhost' })).status).toBe(200);
    await expect(simCall(sim, 'GET', '/app', undefined, null, { servername: 'example.com' })).rejects.toThrow();
  });

  it('/rp/* without a client certificate, or with an untrusted one, answers 401 {errorCode, details}; TLS itself does not require one', async () => {
    const none = await simCall(sim, 'POST', '/rp/v6.0/auth', { endUserIp: '127.0.0.1' }, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ errorCode: expect.any(String), details: expect.any(String) });
    const dir = mkdtempSync(join(tmpdir(), 'idbridge-untrusted-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=Untrusted RP'], { stdio: 'ignore' });
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'k.pem'), '-in', join(dir, 'c.pem'), '-out', join(dir, 'u.p12'), '-passout', 'pass:x'], { stdio: 'ignore' });
      const untrusted = await simCall(sim, 'POST', '/rp/v6.0/auth', { endUserIp: '127.0.0.1' }, { pfx: readFileSync(join(dir, 'u.p12')), passphrase: 'x' });
      expect(untrusted.status).toBe(401);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('auth → collect pending outstandingTransaction → the app scans the animated QR and approves → collect complete', async () => {
    const o = await order();
    expect(o).toMatchObject({ orderRef: expect.any(String), autoStartToken: expect.any(String), qrStartToken: expect.any(String), qrStartSecret: expect.any(String) });
    expect(await collect(o.orderRef)).toEqual({ orderRef: o.orderRef, status: 'pending', hintCode: 'outstandingTransaction' });
    await sleep(1200);
    const s = await scan(currentQr(o));
    expect(s.status, s.text).toBe(200);
    const done = await collect(o.orderRef);
    expect(done.status).toBe('complete');
    expect(done.completionData.user).toMatchObject({ personalNumber: PERSON, name: expect.any(String), givenName: expect.any(String), surname: expect.any(String) });
    expect(done.completionData.device).toMatchObject({ ipAddress: expect.any(String) });
    expect(done.completionData.signature).toEqual(expect.any(String));
    expect(done.completionData.ocspResponse).toEqual(expect.any(String));
    expect(done.completionData.bankIdIssueDate).toEqual(expect.any(String));
  });

  it('a forged code, one from the future, or an invalid personal number is refused (4xx) and the order stays pending', async () => {
    const o = await order();
    const forged = `bankid.${o.qrStartToken}.0.${'0'.repeat(64)}`;
    const otherSecret = qrData(o.qrStartToken, `${o.qrStartSecret}x`, 0);
    const ahead = qrData(o.qrStartToken, o.qrStartSecret, 5);
    for (const qr of [forged, otherSecret, ahead, 'not a qr code']) {
      const r = await scan(qr);
      expect(r.status, qr).toBeGreaterThanOrEqual(400);
      expect(r.status, qr).toBeLessThan(500);
    }
    const badPnr = await scan(currentQr(o), 'approve', '199001011238');
    expect(badPnr.status).toBeGreaterThanOrEqual(400);
    expect(badPnr.status).toBeLessThan(500);
    expect((await collect(o.orderRef)).status).toBe('pending');
    await rp('cancel', { orderRef: o.orderRef });
  });

  it('a code more than 5 s behind the order\'s age is refused, the current one accepted', async () => {
    const o = await order();
    await sleep(7200);
    const stale = await scan(qrData(o.qrStartToken, o.qrStartSecret, 0));
    expect(stale.status).toBeGreaterThanOrEqual(400);
    expect(stale.status).toBeLessThan(500);
    expect((await collect(o.orderRef)).status).toBe('pending');
    expect((await scan(currentQr(o))).status).toBe(200);
    expect((await collect(o.orderRef)).status).toBe('complete');
  });

  it('cancel in the app: collect failed userCancel; hold: userSign and it stays there', async () => {
    const c = await order();
    expect((await scan(currentQr(c), 'cancel')).status).toBe(200);
    expect(await collect(c.orderRef)).toMatchObject({ status: 'failed', hintCode: 'userCancel' });
    const h = await order();
    expect((await scan(currentQr(h), 'hold')).status).toBe(200);
    expect(await collect(h.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
    await sleep(2500);
    expect(await collect(h.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
    expect(await rp('cancel', { orderRef: h.orderRef })).toMatchObject({ status: 200, body: {} });
    const gone = await rp('collect', { orderRef: h.orderRef });
    expect(gone.status).toBe(400);
    expect(gone.body).toEqual({ errorCode: 'invalidParameters', details: expect.any(String) });
  });

  it('/app/autostart completes a same-device order; sign returns a signature over the visible text', async () => {
    const o = await order('sign');
    const r = await simCall(sim, 'POST', '/app/autostart', { auto_start_token: o.autoStartToken, personal_number: OTHER_PERSON, action: 'approve' });
    expect(r.status, r.text).toBe(200);
    const done = await collect(o.orderRef);
    expect(done.status).toBe('complete');
    expect(done.completionData.user.personalNumber).toBe(OTHER_PERSON);
    const xml = Buffer.from(done.completionData.signature, 'base64').toString('utf8');
    expect(xml).toContain(Buffer.from('Jag godkänner').toString('base64'));
    const unknown = await simCall(sim, 'POST', '/app/autostart', { auto_start_token: 'nope', personal_number: PERSON, action: 'approve' });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
  });

  it('phone/auth and phone/sign: orders the /app page lists and approves', async () => {
    const page = await simCall(sim, 'GET', '/app', undefined, null);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const a = await rp('phone/auth', { personalNumber: PERSON, callInitiator: 'user' });
    expect(a.status, a.text).toBe(200);
    expect(a.body).toEqual({ orderRef: expect.any(String) });
    const s = await rp('phone/sign', { personalNumber: OTHER_PERSON, callInitiator: 'RP', userVisibleData: Buffer.from('Avtal').toString('base64') });
    expect(s.status, s.text).toBe(200);
    // What the /app page's script does: list pending orders, act on one.
    const orders = (await simCall(sim, 'GET', '/app/orders', undefined, null)).body.data;
    expect(orders.map((o: any) => o.order_ref)).toEqual(expect.arrayContaining([a.body.orderRef, s.body.orderRef]));
    expect((await simCall(sim, 'POST', `/app/orders/${a.body.orderRef}`, { personal_number: PERSON, action: 'approve' })).status).toBe(200);
    expect((await collect(a.body.orderRef)).status).toBe('complete');
    await rp('cancel', { orderRef: s.body.orderRef });
  });

  it('RP API errors are {errorCode, details} as BankID answers them', async () => {
    const r = await rp('auth', { endUserIp: 'not-an-ip' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errorCode: 'invalidParameters', details: expect.any(String) });
    const p = await rp('phone/auth', { personalNumber: PERSON });
    expect(p.status).toBe(400);
    expect(p.body.errorCode).toBe('invalidParameters');
  });

  it('the npm `bankid` client with BankID\'s FP Testcert 5 works against it once pointed at its URL and CA', async () => {
    const bankid = new BankIdClientV6({ production: false, ca: Buffer.from(sim.ca), qrEnabled: false, refreshInterval: 100 });
    bankid.axios.defaults.baseURL = `${sim.rpUrl}/`;
    bankid.axios.defaults.proxy = false;
    const o = await bankid.authenticate({ endUserIp: '127.0.0.1' });
    const at = Date.now();
    expect(await bankid.collect({ orderRef: o.orderRef })).toMatchObject({ status: 'pending', hintCode: 'outstandingTransaction' });
    expect((await scan(currentQr({ ...o, at }))).status).toBe(200);
    const done = await bankid.awaitPendingCollect(o.orderRef);
    expect(done.status).toBe('complete');
    expect(done.completionData!.user.personalNumber).toBe(PERSON);
  });
});
