// Our client and adapter (the Provider contract) against the simulator, nothing mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, StartContext } from '../../src/providers/contract.js';
import type { SessionOptions } from '../../src/core/types.js';
import { createBankIdProvider } from '../../src/providers/bankid-se/adapter.js';
import { markSameDeviceStart } from '../../src/providers/bankid-se/order-state.js';
import { parseQrData } from '../../src/providers/bankid-se/qr.js';
import { verifySimulatorSignature } from '../../src/providers/bankid-se/simulator/index.js';
import { OTHER_PERSON, PERSON, startHarness, type Harness } from './helpers.js';

let h: Harness;
let provider: ReturnType<typeof createBankIdProvider>;
beforeAll(async () => {
  h = await startHarness();
  provider = createBankIdProvider({ client: h.client, clock: h.clock });
});
afterAll(() => h.close());

const options = (over: Partial<SessionOptions> = {}): SessionOptions => ({
  target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null,
  return_url: null, frame_origin: null, phone: null, ...over,
});

const ctx = (over: Partial<StartContext> = {}): StartContext => ({
  session_id: `ses_${Math.random().toString(36).slice(2)}`, operation: 'authenticate', flow: 'browser',
  options: options(), locale: 'en', personal_number: null, end_user_ip: '127.0.0.1',
  user_agent: 'Mozilla/5.0 test', callback_url: 'https://broker.example/callback', now: h.clock.now(), ...over,
});

const progressCtx = () => ({ session_id: 's', locale: 'en' as const, now: h.clock.now(), end_user_ip: null });

function pendingState(outcome: Outcome) {
  if (outcome.kind !== 'pending') throw new Error(`expected pending, got ${JSON.stringify(outcome)}`);
  return outcome.state;
}

async function scanView(state: Record<string, unknown>, action = 'approve') {
  const view = provider.view!(state, progressCtx());
  return h.appPost('/app/scan', { qr_data: view.qr_data, personal_number: PERSON, action });
}

describe('BankID provider', () => {
  it('starts with launch data, progresses and completes with the identity', async () => {
    const started = await provider.start(ctx());
    expect(started).toMatchObject({
      kind: 'pending', next_check_ms: 2000,
      progress: { code: 'outstanding_transaction', message: 'Start your BankID app.' },
      launch: { auto_start_token: expect.any(String), launch_url: expect.stringMatching(/^https:\/\/app\.bankid\.com\/\?autostarttoken=.+&redirect=null$/), qr_url: null },
    });
    const state = pendingState(started);
    expect(await provider.progress!(state, progressCtx())).toMatchObject({ kind: 'pending', progress: { code: 'outstanding_transaction' } });
    expect((await scanView(state)).status).toBe(200);
    const done = await provider.progress!(state, progressCtx());
    expect(done).toMatchObject({
      kind: 'complete', signature: null, device: { ip_address: '127.0.0.1' },
      identity: { provider: 'se-bankid', national_id: { value: PERSON, type: 'se_personnummer' }, date_of_birth: '1990-01-01', assurance: { level: 'high' } },
    });
  });

  it('refreshes the QR code every second from the order start', async () => {
    const state = pendingState(await provider.start(ctx()));
    const first = provider.view!(state, progressCtx());
    h.clock.advance(3_200);
    const later = provider.view!(state, progressCtx());
    expect(parseQrData(String(first.qr_data))?.seconds).toBe(0);
    expect(parseQrData(String(later.qr_data))?.seconds).toBe(3);
    expect(later.order_started_at).toBe(first.order_started_at);
    expect((await h.appPost('/app/scan', { qr_data: first.qr_data, personal_number: PERSON, action: 'approve' })).status).toBe(200);
  });

  it('signs markdown with hidden data; the signature verifies', async () => {
    const sign = { text: '# Avtal\nJag godkänner.', format: 'markdown' as const, hidden_data: Buffer.from('ref-7').toString('base64') };
    const state = pendingState(await provider.start(ctx({ operation: 'sign', options: options({ sign }) })));
    await scanView(state);
    const done = await provider.progress!(state, progressCtx());
    if (done.kind !== 'complete') throw new Error(JSON.stringify(done));
    expect(done.signature).toMatchObject({ format: 'bankid-xmldsig', signed_text: sign.text, ocsp_response: expect.any(String) });
    const check = verifySimulatorSignature(done.signature!.value, h.sim.caPem);
    expect(check).toMatchObject({ valid: true, visibleText: sign.text, nonVisibleData: sign.hidden_data, personalNumber: PERSON });
    expect(Buffer.from(done.signature!.value, 'base64').toString()).toContain('format="simpleMarkdownV1"');
  });

  it('reports hold as user_sign and the person cancel as user_cancelled', async () => {
    const state = pendingState(await provider.start(ctx({ locale: 'sv' })));
    expect(provider.view!(state, progressCtx())).toMatchObject({ awaiting_scan: true });
    await scanView(state, 'hold');
    const held = await provider.progress!(state, { ...progressCtx(), locale: 'sv' });
    expect(provider.view!(pendingState(held), progressCtx())).toMatchObject({ awaiting_scan: false });
    expect(held).toMatchObject({
      kind: 'pending', progress: { code: 'user_sign', message: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.' },
    });
    const orderRef = String(state.order_ref);
    await h.appPost(`/app/orders/${orderRef}`, { personal_number: PERSON, action: 'cancel' });
    const { reconsider, ...cancelled } = (await provider.progress!(state, progressCtx())) as Record<string, unknown>;
    expect(cancelled).toEqual({ kind: 'failed', code: 'user_cancelled', message: 'Action cancelled.' });
    expect(reconsider).toBeTypeOf('function'); // a final answer can be judged again (see below)
  });

  it('fails start_failed after 30 s and expired_transaction past the lifetime', async () => {
    const unscanned = pendingState(await provider.start(ctx()));
    const held = pendingState(await provider.start(ctx()));
    await scanView(held, 'hold');
    h.clock.advance(30_000);
    expect(await provider.progress!(unscanned, progressCtx())).toMatchObject({ kind: 'failed', code: 'start_failed', message: expect.stringMatching(/^Failed to scan the QR code/) });
    h.clock.advance(150_000);
    expect(await provider.progress!(held, progressCtx())).toMatchObject({ kind: 'failed', code: 'expired_transaction' });
  });

  it('answers retry with back-off on 429 and 503, then carries on', async () => {
    const state = pendingState(await provider.start(ctx()));
    h.sim.inject({ status: 429, endpoint: 'collect' });
    const limited = await provider.progress!(state, progressCtx());
    expect(limited).toMatchObject({ kind: 'retry', reason: 'bankid 429 tooManyRequests' });
    expect((limited as { after_ms: number }).after_ms).toBeGreaterThanOrEqual(2000);
    h.sim.inject({ status: 503, endpoint: 'collect' });
    const second = await provider.progress!(state, progressCtx());
    expect((second as { after_ms: number }).after_ms).toBeGreaterThanOrEqual(4000);
    expect(await provider.progress!(state, progressCtx())).toMatchObject({ kind: 'pending' });
  });

  it('fails already_in_progress for a second order of one person', async () => {
    const first = await provider.start(ctx({ personal_number: PERSON }));
    expect(first.kind).toBe('pending');
    expect(await provider.start(ctx({ personal_number: PERSON }))).toMatchObject({ kind: 'failed', code: 'already_in_progress' });
    expect(await provider.progress!(pendingState(first), progressCtx())).toMatchObject({ kind: 'failed', code: 'cancelled' });
  });

  it('refuses a same-device completion from another IP (session fixation)', async () => {
    const started = await provider.start(ctx({ end_user_ip: '203.0.113.5' }));
    const state = markSameDeviceStart(pendingState(started));
    const token = String((started as { launch?: Record<string, unknown> }).launch?.auto_start_token);
    await h.appPost('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve', ip_address: '198.51.100.9' });
    expect(await provider.progress!(state, progressCtx())).toMatchObject({ kind: 'failed', code: 'ip_mismatch' });
  });

  it('judges a final answer again by the state as it now is (a same-device mark made after the collect was asked)', async () => {
    const started = await provider.start(ctx({ end_user_ip: '203.0.113.5' }));
    const stale = pendingState(started); // read before the page marked the same-device start
    const token = String((started as { launch?: Record<string, unknown> }).launch?.auto_start_token);
    await h.appPost('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve', ip_address: '198.51.100.9' });
    const answer = await provider.progress!(stale, progressCtx());
    expect(answer).toMatchObject({ kind: 'complete' }); // the stale state knows of no same-device start
    const reconsider = (answer as { reconsider?: (s: Record<string, unknown>) => unknown }).reconsider;
    expect(reconsider).toBeTypeOf('function');
    expect(reconsider!(markSameDeviceStart(stale))).toMatchObject({ kind: 'failed', code: 'ip_mismatch' });
    expect(reconsider!(stale)).toMatchObject({ kind: 'complete' });
    // BankID answers a finished order once: asking again is not how to get the answer back.
    expect(await provider.progress!(stale, progressCtx())).toMatchObject({ kind: 'failed' });
  });

  it('runs phone authentication with the call initiator', async () => {
    const started = await provider.start(ctx({ flow: 'headless', personal_number: PERSON, options: options({ phone: { call_initiator: 'rp' } }) }));
    const state = pendingState(started);
    expect(started).not.toHaveProperty('launch');
    expect(provider.view!(state, progressCtx())).toMatchObject({ qr_data: null, auto_start_token: null });
    await h.appPost(`/app/orders/${String(state.order_ref)}`, { personal_number: PERSON, action: 'approve' });
    expect(await provider.progress!(state, progressCtx())).toMatchObject({ kind: 'complete' });
  });

  it('runs phone signing initiated by the user; the call initiator reaches BankID', async () => {
    const sign = { text: 'Jag bekräftar samtalet', format: 'plaintext' as const };
    const state = pendingState(await provider.start(ctx({ flow: 'headless', operation: 'sign', personal_number: OTHER_PERSON, options: options({ phone: { call_initiator: 'user' }, sign }) })));
    expect(h.sim.orders.get(String(state.order_ref))).toMatchObject({ callInitiator: 'user', kind: 'sign', requiredPersonalNumber: OTHER_PERSON });
    await h.appPost(`/app/orders/${String(state.order_ref)}`, { personal_number: OTHER_PERSON, action: 'approve' });
    const done = await provider.progress!(state, progressCtx());
    expect(done).toMatchObject({ kind: 'complete', signature: { signed_text: sign.text } });
  });

  it('cancels an order, and ignores the cancel of a finished one', async () => {
    const state = pendingState(await provider.start(ctx()));
    await provider.cancel(state);
    await expect(provider.cancel(state)).resolves.toBeUndefined();
    expect(await provider.progress!(state, progressCtx())).toMatchObject({ kind: 'failed', code: 'provider_error' });
  });
});
