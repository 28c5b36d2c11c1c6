// API.md §3 "Sessions", Read, Cancel, long-poll, Push and Reconcile: the read's shape and RFC 3339
// UTC times, statuses created → pending → final with `version` +1 at each change and
// `completed_at`, a final status never changes, the person's cancel, assurance_too_low, the
// merchant's cancel and 409 session_final, `?wait=&version=`, the event stream (current state
// first, Last-Event-ID, keep-alive comments, end after final), `GET /v1/sessions?updated_since=`,
// retention (`result: null` + `result_erased_at`) and expiry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { EventStream } from './harness/http.js';
import { expectInvalid, expectProblem } from './harness/problem.js';
import { eventually, sleep } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NATIONAL_ID_TYPES = ['se_personnummer', 'se_samordningsnummer', 'no_fodselsnummer', 'no_d_number', 'dk_cpr', 'fi_hetu'];
const READ_KEYS = ['id', 'status', 'method', 'operation', 'flow', 'relay_state', 'metadata', 'version', 'created_at', 'updated_at', 'expires_at', 'completed_at', 'progress', 'result', 'error'];
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

describe.each(DIALECTS)('API.md §3 sessions: read, waits, list, retention, expiry (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let brief: Customer;
  let expiring: any;
  let expiringStream: EventStream;
  let erased: any;

  beforeAll(async () => {
    stack = await startStack(dialect);
    [shop, brief] = (await Promise.all([
      stack.customer({ name: 'Session Shop', targets: [TARGET] }),
      stack.customer({ name: 'Brief Shop', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    // Slow observations start now and are checked at the end: expiry (60 s), erasure, keep-alive.
    expiring = await shop.api.create(demo({ expires_in: 60 }));
    expiringStream = new EventStream(`${stack.url}/v1/sessions/${expiring.id}/events`, { authorization: `Bearer ${shop.api_key}` });
    const upd = await stack.cli(['customers', 'update', brief.id, '--retention-hours', '0']);
    if (upd.code !== 0) throw new Error(`customers update --retention-hours 0: ${upd.stderr}`);
    await sleep(5500); // the change reaches the running process within 5 s (API.md §1)
    erased = await brief.api.create(demo({ relay_state: 'erase-me', metadata: { order: 7 } }));
    await new PageClient(erased.redirect_url).completeDemo(0);
  });
  afterAll(async () => {
    expiringStream?.close();
    await stack?.stop();
  });

  describe('read, statuses and version', () => {
    it('a read has every field of the contract; times are RFC 3339 UTC; redirect_url is repeated until final', async () => {
      const s = await shop.api.create(demo({ relay_state: 'rs-1', metadata: { a: 1 } }));
      const read = await shop.api.read(s.id);
      for (const k of READ_KEYS) expect(read).toHaveProperty(k);
      expect(read).toMatchObject({ id: s.id, status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser', relay_state: 'rs-1', metadata: { a: 1 }, version: 1, completed_at: null, result: null, error: null, redirect_url: s.redirect_url, expires_at: s.expires_at });
      for (const k of ['created_at', 'updated_at', 'expires_at']) expect(read[k]).toMatch(RFC3339_UTC);
      const plain = await shop.api.read((await shop.api.create(demo())).id);
      expect(plain.relay_state).toBeNull();
    });

    it('created → pending → complete, version +1 at each change, completed_at set, identity normalised', async () => {
      const s = await shop.api.create(demo({ relay_state: 'flow-1' }));
      const page = new PageClient(s.redirect_url);
      expect((await page.bind()).status).toBe(200);
      expect((await page.start()).status).toBe(200);
      const pending = await shop.api.read(s.id);
      expect(pending.status).toBe('pending');
      expect(pending.version).toBe(2);
      expect(pending.completed_at).toBeNull();
      expect(pending.redirect_url).toBe(s.redirect_url);
      expect((await page.approve(0)).status).toBe(200);
      const done = await shop.api.read(s.id);
      expect(done.status).toBe('complete');
      expect(done.version).toBe(3);
      expect(done.completed_at).toMatch(RFC3339_UTC);
      expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));
      expect(done.error).toBeNull();
      expect(done).not.toHaveProperty('redirect_url');
      const id = done.result.identity;
      expect(Object.keys(id).sort()).toEqual(['assurance', 'authenticated_at', 'country', 'date_of_birth', 'first_name', 'full_name', 'last_name', 'national_id', 'provider', 'raw', 'subject'].sort());
      expect(id).toMatchObject({ provider: 'demo', country: expect.stringMatching(/^[A-Z]{2}$/), subject: expect.any(String), first_name: expect.any(String), last_name: expect.any(String), full_name: expect.any(String) });
      expect(['low', 'substantial', 'high']).toContain(id.assurance.level);
      expect(id.assurance).toHaveProperty('raw');
      expect(id.authenticated_at).toMatch(RFC3339_UTC);
      expect(id.date_of_birth === null || /^\d{4}-\d{2}-\d{2}$/.test(id.date_of_birth)).toBe(true);
      if (id.national_id !== null) {
        expect(NATIONAL_ID_TYPES).toContain(id.national_id.type);
        expect(id.national_id).toMatchObject({ value: expect.any(String), country: expect.stringMatching(/^[A-Z]{2}$/) });
      }
      expect(typeof id.raw).toBe('object');
      expect(done.result.signature).toBeNull();
      expect(done.result.device === null || typeof done.result.device.ip_address === 'string').toBe(true);
    });

    it('a final status never changes: cancel is 409 session_final, the page cannot act again, version and completed_at stay', async () => {
      const s = await shop.api.create(demo());
      const page = new PageClient(s.redirect_url);
      await page.completeDemo(0);
      const done = await shop.api.read(s.id);
      expectProblem(await shop.api.post(`/v1/sessions/${s.id}/cancel`, {}), 409, 'session_final');
      await page.cancel();
      await page.approve(1);
      const later = await shop.api.read(s.id);
      expect(later).toEqual(done);
    });

    it('the person\'s cancel ends the session failed with error.code user_cancelled and completed_at', async () => {
      const s = await shop.api.create(demo());
      await new PageClient(s.redirect_url).cancelDemo();
      const r = await shop.api.read(s.id);
      expect(r).toMatchObject({ status: 'failed', error: { code: 'user_cancelled', message: expect.any(String) }, result: null });
      expect(r.completed_at).toMatch(RFC3339_UTC);
    });

    it('min_assurance above what the provider gives ends the session failed with assurance_too_low', async () => {
      // The demo eID reports assurance "low".
      const s = await shop.api.create(demo({ min_assurance: 'substantial' }));
      await new PageClient(s.redirect_url).completeDemo(0);
      const r = await shop.api.read(s.id);
      expect(r).toMatchObject({ status: 'failed', error: { code: 'assurance_too_low' } });
      expect(r.result).toBeNull();
    });

    it('cancel: 200 with the session now cancelled (created or pending); a second cancel is 409 session_final', async () => {
      const s = await shop.api.create(demo());
      const r = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: s.id, status: 'cancelled', version: 2 });
      expect(r.body.completed_at).toMatch(RFC3339_UTC);
      expectProblem(await shop.api.post(`/v1/sessions/${s.id}/cancel`, {}), 409, 'session_final');
      const p = await shop.api.create(demo());
      const page = new PageClient(p.redirect_url);
      await page.bind();
      await page.start();
      const c = await shop.api.post(`/v1/sessions/${p.id}/cancel`, {});
      expect(c.body).toMatchObject({ status: 'cancelled' });
      // The page can no longer complete it.
      await page.approve(0);
      expect((await shop.api.read(p.id)).status).toBe('cancelled');
    });
  });

  describe('long-poll', () => {
    it('wait over 30 is 400 invalid_request', async () => {
      const s = await shop.api.create(demo());
      expectInvalid(await shop.api.get(`/v1/sessions/${s.id}?wait=31&version=1`), 'wait');
      expect((await shop.api.get(`/v1/sessions/${s.id}?wait=0&version=1`)).status).toBe(200);
    });

    it('answers after S seconds with the current state when nothing changes', async () => {
      const s = await shop.api.create(demo());
      const t0 = Date.now();
      const r = await shop.api.get(`/v1/sessions/${s.id}?wait=2&version=1`);
      const took = Date.now() - t0;
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: s.id, status: 'created', version: 1 });
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(4000);
    });

    it('answers as soon as the version exceeds N', async () => {
      const s = await shop.api.create(demo());
      const t0 = Date.now();
      const poll = shop.api.get(`/v1/sessions/${s.id}?wait=20&version=1`);
      await sleep(500);
      await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      const r = await poll;
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.body).toMatchObject({ status: 'cancelled', version: 2 });
      // A version already behind answers at once.
      const t1 = Date.now();
      expect((await shop.api.get(`/v1/sessions/${s.id}?wait=20&version=1`)).body.version).toBe(2);
      expect(Date.now() - t1).toBeLessThan(1500);
    });
  });

  describe('events (server-sent)', () => {
    const auth = () => ({ authorization: `Bearer ${shop.api_key}` });

    it('text/event-stream: the current state first, then each change as id/event session/data, ending after the final status', async () => {
      const s = await shop.api.create(demo({ relay_state: 'sse' }));
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, auth());
      expect(await stream.waitFor((x) => x.events.length >= 1)).toBe(true);
      expect(stream.status).toBe(200);
      expect(stream.headers?.get('content-type')).toMatch(/^text\/event-stream/);
      const first = stream.events[0];
      expect(first).toMatchObject({ id: '1', event: 'session' });
      expect(JSON.parse(first.data)).toEqual(await shop.api.read(s.id));
      const page = new PageClient(s.redirect_url);
      await page.completeDemo(0);
      expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
      const versions = stream.events.map((e) => Number(e.id));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions.at(-1)).toBe(3);
      for (const e of stream.events) {
        expect(e.event).toBe('session');
        expect(JSON.parse(e.data).version).toBe(Number(e.id));
      }
      expect(JSON.parse(stream.events.at(-1)!.data)).toEqual(await shop.api.read(s.id));
    });

    it('Last-Event-ID is honoured: nothing at or below it is sent again', async () => {
      const s = await shop.api.create(demo());
      const page = new PageClient(s.redirect_url);
      await page.bind();
      await page.start();
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, { ...auth(), 'last-event-id': '2' });
      await sleep(800);
      expect(stream.events).toEqual([]);
      await page.approve(0);
      expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
      expect(stream.events.map((e) => e.id)).toEqual(['3']);
    });

    it('Last-Event-ID below the current version: the current state is sent at once, then the rest', async () => {
      const s = await shop.api.create(demo());
      const page = new PageClient(s.redirect_url);
      await page.bind();
      await page.start();
      expect((await shop.api.read(s.id)).version).toBe(2);
      const t0 = Date.now();
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, { ...auth(), 'last-event-id': '1' });
      expect(await stream.waitFor((x) => x.events.length >= 1, 5000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(stream.events[0].id).toBe('2');
      expect(JSON.parse(stream.events[0].data)).toEqual(await shop.api.read(s.id));
      await page.approve(0);
      expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
      expect(stream.events.map((e) => e.id)).toEqual(['2', '3']);
    });

    it('a stream opened on a final session sends the final state and ends', async () => {
      const s = await shop.api.create(demo());
      await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, auth());
      expect(await stream.waitFor((x) => x.ended, 5000)).toBe(true);
      expect(stream.events.map((e) => JSON.parse(e.data).status)).toEqual(['cancelled']);
    });
  });

  describe('reconcile list', () => {
    it('GET /v1/sessions?updated_since=&limit= lists the customer\'s changed sessions oldest first with next_cursor', async () => {
      await sleep(1100);
      const since = new Date().toISOString();
      await sleep(50);
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await shop.api.create(demo({ relay_state: `list-${i}` })));
        await sleep(15);
      }
      // A change moves a session to the end (it is "changed since then" later).
      await shop.api.post(`/v1/sessions/${made[0].id}/cancel`, {});
      const seen: any[] = [];
      let url = `/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2`;
      for (let page = 0; page < 10; page++) {
        const r = await shop.api.get(url);
        expect(r.status).toBe(200);
        expect(r.body).toHaveProperty('next_cursor');
        expect(r.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.data);
        if (!r.body.next_cursor) break;
        url = `/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2&cursor=${encodeURIComponent(r.body.next_cursor)}`;
      }
      const ids = seen.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([made[1], made[2], made[3], made[4], made[0]].map((s) => s.id));
      const times = seen.map((s) => Date.parse(s.updated_at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const s of seen) for (const k of READ_KEYS) expect(s).toHaveProperty(k);
      // updated_since in the future lists nothing.
      const none = await shop.api.get(`/v1/sessions?updated_since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
      expect(none.body).toEqual({ data: [], next_cursor: null });
      expectInvalid(await shop.api.get('/v1/sessions?updated_since=yesterday'), 'updated_since');
    });
  });
  describe('slow observations started in beforeAll', () => {
    it('retention 0 h: the eraser clears the result; the read keeps everything else and adds result_erased_at', async () => {
      const r = await eventually(async () => {
        const x = await brief.api.read(erased.id);
        return x.result_erased_at ? x : null;
      }, 60_000, 1000);
      expect(r).toBeTruthy();
      expect(r.result).toBeNull();
      expect(r.result_erased_at).toMatch(RFC3339_UTC);
      expect(r).toMatchObject({ id: erased.id, status: 'complete', relay_state: 'erase-me', metadata: { order: 7 }, method: 'demo' });
      expect(r.completed_at).toMatch(RFC3339_UTC);
      // Personal data is gone from the record, not only from the view.
      expect(JSON.stringify(r)).not.toContain('Lindqvist');
    }, 70_000);

    it('past expires_at the session is expired with completed_at; the event stream kept itself open with comment lines and ended after the final status', async () => {
      const wait = Date.parse(expiring.expires_at) - Date.now();
      if (wait > 0) await sleep(wait);
      const r = await eventually(async () => {
        const x = await shop.api.read(expiring.id);
        return x.status === 'expired' ? x : null;
      }, 15_000, 500);
      expect(r).toBeTruthy();
      expect(Date.parse(r.completed_at)).toBeGreaterThanOrEqual(Date.parse(expiring.expires_at));
      expectProblem(await shop.api.post(`/v1/sessions/${expiring.id}/cancel`, {}), 409, 'session_final');
      expect(await expiringStream.waitFor((x) => x.ended, 10_000)).toBe(true);
      expect(expiringStream.comments.length).toBeGreaterThanOrEqual(1);
      expect(expiringStream.events.map((e) => JSON.parse(e.data).status)).toEqual(['created', 'expired']);
    }, 90_000);
  });
});
