// The RP API surface of the simulator as BankID defines it (reference §1.2–§1.5, API.md §7).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankIdApiError, BankIdNetworkError } from '../../src/providers/bankid-se/errors.js';
import { createBankIdClient } from '../../src/providers/bankid-se/client.js';
import { bankIdPreset } from '../../src/providers/bankid-se/presets.js';
import { startBankIdSimulator } from '../../src/providers/bankid-se/simulator/index.js';
import { b64, PERSON, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const json = { 'content-type': 'application/json' };

describe('simulator RP API transport', () => {
  it('answers 401 without a trusted client certificate', async () => {
    const res = await h.rawRequest('/rp/v6.0/auth', { headers: json, body: '{"endUserIp":"127.0.0.1"}' });
    expect(res).toMatchObject({ status: 401, body: { errorCode: 'unauthorized' } });
  });

  it('answers 405 to GET, 415 to a charset, 404 to an unknown path', async () => {
    expect(await h.rawRequest('/rp/v6.0/auth', { method: 'GET', withCert: true })).toMatchObject({ status: 405, body: { errorCode: 'methodNotAllowed' } });
    const charset = await h.rawRequest('/rp/v6.0/auth', { withCert: true, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' });
    expect(charset).toMatchObject({ status: 415, body: { errorCode: 'unsupportedMediaType' } });
    expect(await h.rawRequest('/rp/v6.0/nothing', { withCert: true, headers: json, body: '{}' })).toMatchObject({ status: 404, body: { errorCode: 'notFound' } });
  });

  it('accepts BankID public test certificate FP Testcert 5', async () => {
    const fp = createBankIdClient(bankIdPreset('simulated', { baseUrl: h.sim.rpUrl, ca: h.sim.caPem }));
    const order = await fp.auth({ endUserIp: '127.0.0.1' });
    expect(order).toMatchObject({ orderRef: expect.any(String), qrStartSecret: expect.any(String) });
    expect(h.sim.calls.at(-1)).toMatchObject({ endpoint: 'auth', clientCn: 'FP Testcert 5' });
    await fp.close();
  });
});

describe('simulator validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['auth', { endUserIp: '300.1.1.1' }, 'Invalid endUserIp'],
    ['auth', { endUserIp: '127.0.0.1', requirement: { personalNumber: '1990' } }, 'Incorrect personalNumber'],
    ['auth', { endUserIp: '127.0.0.1', requirement: { cardReader: 'class9' } }, 'Invalid requirement'],
    ['auth', { endUserIp: '127.0.0.1', userNonVisibleData: b64('x') }, 'userNonVisible data requires userVisibleData'],
    ['sign', { endUserIp: '127.0.0.1' }, 'Invalid userVisibleData'],
    ['sign', { endUserIp: '127.0.0.1', userVisibleData: 'not base64!' }, 'Invalid userVisibleData'],
    ['phone/auth', { personalNumber: PERSON, callInitiator: 'bank' }, 'Incorrect callInitiator'],
    ['collect', { orderRef: '00000000-0000-0000-0000-000000000000' }, 'No such order'],
    ['cancel', { orderRef: '00000000-0000-0000-0000-000000000000' }, 'No such order'],
  ];
  it.each(cases)('%s %j -> invalidParameters "%s"', async (endpoint, body, details) => {
    const res = await h.rawRequest(`/rp/v6.0/${endpoint}`, { withCert: true, headers: json, body: JSON.stringify(body) });
    expect(res).toMatchObject({ status: 400, body: { errorCode: 'invalidParameters', details } });
  });

  it('maps errors to BankIdApiError with status, code and details', async () => {
    const error = await h.client.collect('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BankIdApiError);
    expect(error).toMatchObject({ status: 400, errorCode: 'invalidParameters', details: 'No such order', retriable: false });
  });
});

describe('fault injection', () => {
  it('answers 429 with RateLimit headers, then 503, then works', async () => {
    h.sim.inject({ status: 429 });
    h.sim.inject({ status: 503 });
    const limited = await h.client.auth({ endUserIp: '127.0.0.1' }).catch((e: unknown) => e as BankIdApiError);
    expect(limited).toMatchObject({ status: 429, errorCode: 'tooManyRequests', retriable: true, retryAfterMs: 1000 });
    const maintenance = await h.client.auth({ endUserIp: '127.0.0.1' }).catch((e: unknown) => e as BankIdApiError);
    expect(maintenance).toMatchObject({ status: 503, errorCode: 'maintenance', retriable: true });
    await expect(h.client.auth({ endUserIp: '127.0.0.1' })).resolves.toHaveProperty('orderRef');
  });

  it('answers 408 and 500 as not retriable', async () => {
    h.sim.inject({ status: 408 });
    h.sim.inject({ status: 500 });
    await expect(h.client.auth({ endUserIp: '127.0.0.1' })).rejects.toMatchObject({ status: 408, errorCode: 'requestTimeout', retriable: false });
    await expect(h.client.auth({ endUserIp: '127.0.0.1' })).rejects.toMatchObject({ status: 500, errorCode: 'internalError', retriable: false });
  });

  it('tells a network failure apart', async () => {
    const closed = createBankIdClient({ baseUrl: 'https://127.0.0.1:1/rp/v6.0', pfx: h.sim.clientPfx, passphrase: h.sim.clientPassphrase, ca: h.sim.caPem });
    await expect(closed.collect('x')).rejects.toBeInstanceOf(BankIdNetworkError);
    await closed.close();
  });
});

describe('simulator credentials', () => {
  it('keeps its CA and client certificate across restarts in certsDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bankid-sim-'));
    try {
      const first = await startBankIdSimulator({ certsDir: dir });
      await first.close();
      const second = await startBankIdSimulator({ certsDir: dir });
      expect(second.caPem).toBe(first.caPem);
      expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(first.caPem);
      // A client configured from the first run's files still gets in.
      const client = createBankIdClient({ baseUrl: second.rpUrl, pfx: readFileSync(join(dir, 'client.p12')), passphrase: readFileSync(join(dir, 'client-passphrase.txt'), 'utf8').trim(), ca: readFileSync(join(dir, 'ca.pem')) });
      await expect(client.auth({ endUserIp: '::1' })).resolves.toHaveProperty('orderRef');
      await client.close();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
