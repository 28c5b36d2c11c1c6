// Swedish BankID through the provider contract suite: our adapter and client against the in-process
// simulator over real mTLS HTTPS (test/bankid/helpers.ts); the person is the simulated phone app,
// which scans the page's current QR code as a test person and approves or cancels.
import type { ProgressContext, ProviderState } from '../../src/providers/contract.js';
import { createBankIdProvider } from '../../src/providers/bankid-se/adapter.js';
import { PERSON, startHarness } from '../bankid/helpers.js';
import { providerContract } from './contract-suite.js';

let clockNow: () => Date = () => new Date();

providerContract({
  name: 'se-bankid',
  method: 'se-bankid',
  country: 'SE',
  operations: ['authenticate', 'sign'],
  flows: ['browser', 'headless'],
  refusesUndeclaredAtStart: false,
  // The QR's token is in every QR code shown; the autostart token is the headless launch data
  // (API.md §3) and the page's same-device start; the order's start time drives the QR refresh.
  publicStateKeys: ['qr_start_token', 'auto_start_token', 'order_started_at', 'operation', 'last_hint'],
  context: () => ({ now: clockNow() }),
  async setup() {
    const h = await startHarness();
    clockNow = () => h.clock.now();
    const provider = createBankIdProvider({ client: h.client, clock: h.clock });
    const progressContext = (): ProgressContext => ({ session_id: 'ses_contract', locale: 'en', now: h.clock.now(), end_user_ip: null });
    async function scan(state: ProviderState, action: 'approve' | 'cancel') {
      const qr = provider.view!(state, progressContext()).qr_data;
      const answer = await h.appPost('/app/scan', { qr_data: qr, personal_number: PERSON, action });
      if (answer.status !== 200) throw new Error(`the simulated app refused the scan: ${answer.status} ${JSON.stringify(answer.body)}`);
      // BankID is poll-driven: the adapter learns the answer from its next collect.
      return { params: null };
    }
    return {
      provider,
      person: {
        approve: (state) => scan(state, 'approve'),
        cancel: (state) => scan(state, 'cancel'),
        // The simulator's own order book: RP cancel deletes the order (reference §1.5).
        orderLive: async (state) => h.sim.orders.get(String(state.order_ref))?.status === 'pending',
      },
      close: () => h.close(),
    };
  },
});
