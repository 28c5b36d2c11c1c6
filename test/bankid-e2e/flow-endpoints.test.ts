// The BankID step's endpoints over HTTP as the page script calls them (API.md §4): binding,
// the QR of this second, the same-device mark that makes the session-fixation check apply.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowClient } from '../support/flow-client.js';
import { PERSON, startBankIdWorld, waitFor, type BankIdWorld } from './support.js';

describe('BankID page endpoints', () => {
  let w: BankIdWorld;
  beforeAll(async () => {
    w = await startBankIdWorld();
  });
  afterAll(async () => w?.close());

  const started = async (extra: Record<string, unknown> = {}) => {
    const s = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', ...extra } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    const st = await page.start();
    return { s, page, st };
  };

  it('starts the order with the browser IP, web device data and the page as returnUrl; serves the bound QR', async () => {
    const { s, page, st } = await started();
    expect(st).toMatchObject({ status: 'pending', view: { awaiting_scan: true, auto_start_token: null, same_device: false, app_url: `${w.sim.url}/app` } });
    const order = w.sim.app.pending().find((o) => st.view!.qr_data && String(st.view!.qr_data).includes(o.qrStartToken))!;
    expect(order).toMatchObject({ endUserIp: '127.0.0.1', returnUrl: s.redirect_url });
    const qr = await page.call('/bankid/qr');
    expect(qr.status).toBe(200);
    expect(qr.body).toMatchObject({ qr_data: expect.stringMatching(/^bankid\./), svg: expect.stringMatching(/^<svg/) });
    const stranger = new FlowClient(s.redirect_url);
    expect((await stranger.call('/bankid/qr')).status).toBe(403);
    expect((await stranger.call('/bankid/autostart', 'POST', {})).status).toBe(403);
  });

  it('marks a same-device start once: version rises, RFA13 shows, the token is handed out', async () => {
    const { s, page, st } = await started({ locale: 'sv' });
    const marked = await page.call('/bankid/autostart', 'POST', {});
    expect(marked.body).toMatchObject({
      status: 'pending', version: st.version + 1,
      progress: { code: 'outstanding_transaction', message: 'Försöker starta BankID-appen.' },
      view: { same_device: true, auto_start_token: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const again = await page.call('/bankid/autostart', 'POST', {});
    expect(again.body.version).toBe(marked.body.version);
    expect((await w.b.broker.store.getSession(s.id))?.provider_state).toMatchObject({ same_device: true, start_ip: '127.0.0.1' });
    // The autostart from another IP is refused at completion (ip_mismatch).
    await w.app('/app/autostart', { auto_start_token: marked.body.view.auto_start_token, personal_number: PERSON, action: 'approve', ip_address: '198.51.100.4' });
    expect((await waitFor(w.b, s.id, (x) => x.status !== 'pending')).error.code).toBe('ip_mismatch');
  });

  it('starts and marks in one call when "this device" is the answer on a session not started yet', async () => {
    const s = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    const before = w.sim.app.pending().length;
    const marked = await page.call('/bankid/autostart', 'POST', {});
    expect(marked.body).toMatchObject({ status: 'pending', view: { same_device: true, awaiting_scan: true, auto_start_token: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(w.sim.app.pending().length).toBe(before + 1);
    // a second call (a double tap) neither starts another order nor marks again
    const again = await page.call('/bankid/autostart', 'POST', {});
    expect(again.body.version).toBe(marked.body.version);
    expect(w.sim.app.pending().length).toBe(before + 1);
    await w.app('/app/autostart', { auto_start_token: marked.body.view.auto_start_token, personal_number: PERSON, action: 'approve' });
    expect((await waitFor(w.b, s.id, (x) => x.status !== 'pending')).status).toBe('complete');
  });

  it('does not mark an order the app already took, and answers 409 for its QR', async () => {
    const { page, st } = await started();
    await w.app('/app/scan', { qr_data: st.view!.qr_data, personal_number: PERSON, action: 'hold' });
    await expect.poll(async () => (await page.call('/bankid/qr')).status, { timeout: 5000 }).toBe(409);
    expect((await page.call('/bankid/qr')).body.code).toBe('qr_not_available');
    const marked = await page.call('/bankid/autostart', 'POST', {});
    expect(marked.body.view).toMatchObject({ same_device: false, auto_start_token: null });
  });

  it('serves bankid.js from the broker and loads it only on BankID pages, by a URL naming its content', async () => {
    const { s } = await started();
    const html = await (await fetch(s.redirect_url)).text();
    // Each file named with a digest of its content, so a page never mixes two releases' scripts.
    const src = /<script src="(\/assets\/bankid\.js\?v=[0-9a-f]{12})" defer><\/script>/.exec(html)?.[1];
    expect(src).toBeTruthy();
    expect(html).toMatch(/<script src="\/assets\/flow\.js\?v=[0-9a-f]{12}" defer><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/flow\.css\?v=[0-9a-f]{12}">/);
    const js = await fetch(`${w.b.url}${src}`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = await js.text();
    expect(body).toContain("steps['se-bankid']");
    expect(createHash('sha256').update(body).digest('hex').slice(0, 12)).toBe(new URL(src!, w.b.url).searchParams.get('v'));
    // Another release's digest (or none) gets this content, but never cached for good.
    for (const other of ['/assets/bankid.js?v=000000000000', '/assets/bankid.js']) {
      const r = await fetch(`${w.b.url}${other}`);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toBe(body);
    }
    expect((await fetch(`${w.b.url}/assets/constructor`)).status).toBe(404);
    const demo = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    expect(await (await fetch(demo.redirect_url)).text()).not.toContain('bankid.js');
  });
});

describe('BankID with IDBRIDGE_BANKID_SAME_DEVICE_IP_CHECK=0', () => {
  let w: BankIdWorld;
  beforeAll(async () => {
    w = await startBankIdWorld({ IDBRIDGE_BANKID_SAME_DEVICE_IP_CHECK: '0' });
  });
  afterAll(async () => w?.close());

  it('accepts a same-device completion from another IP', async () => {
    const s = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', device: 'same_device' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    const st = await page.start();
    await w.app('/app/autostart', { auto_start_token: st.view!.auto_start_token, personal_number: PERSON, action: 'approve', ip_address: '198.51.100.4' });
    const done = await waitFor(w.b, s.id, (x) => x.status !== 'pending');
    expect(done).toMatchObject({ status: 'complete', result: { device: { ip_address: '198.51.100.4' } } });
  });
});

describe('BankID behind a trusted proxy (IDBRIDGE_TRUST_PROXY)', () => {
  let w: BankIdWorld;
  beforeAll(async () => {
    w = await startBankIdWorld({ IDBRIDGE_TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(async () => w?.close());

  it('sends the forwarded client IP as endUserIp and checks a same-device completion against it', async () => {
    const s = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', device: 'same_device' } })).body;
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Test' };
    const bind = await (await fetch(`${s.redirect_url}/bind`, { method: 'POST', headers, body: '{}' })).json();
    const st = await (await fetch(`${s.redirect_url}/start`, { method: 'POST', headers: { ...headers, 'x-idbridge-binding': bind.binding }, body: '{}' })).json();
    const order = w.sim.app.pending().find((o) => o.autoStartToken === st.view.auto_start_token)!;
    expect(order.endUserIp).toBe('203.0.113.9');
    // The app on the same device reports the same public IP: accepted.
    await w.app('/app/autostart', { auto_start_token: st.view.auto_start_token, personal_number: PERSON, action: 'approve', ip_address: '203.0.113.9' });
    expect((await waitFor(w.b, s.id, (x) => x.status !== 'pending')).status).toBe('complete');
  });
});
