// What the workflow page may see of an order (contract `view`): public data only, never the QR
// secret. The autostart token is handed out only once the page declared a same-device start, so
// that every same-device completion is subject to the session-fixation check (order-state.ts).
import type { BrowserView, ProgressContext } from '../contract.js';
import { rfaText } from './messages.js';
import type { BankIdOrderState } from './order-state.js';
import { qrDataAt } from './qr.js';

/** Hints before any app took the order: the QR code is still worth showing (reference §1.7). */
export const SCAN_HINTS: readonly (string | null)[] = [null, 'outstandingTransaction', 'noClient'];

export function awaitingScan(state: BankIdOrderState): boolean {
  return state.qr_start_token !== null && !state.phone && SCAN_HINTS.includes(state.last_hint);
}

export function orderView(state: BankIdOrderState, ctx: ProgressContext, appUrl: string | null): BrowserView {
  const started = new Date(state.order_started_at);
  const qr = state.qr_start_token && state.qr_start_secret
    ? qrDataAt({ qrStartToken: state.qr_start_token, qrStartSecret: state.qr_start_secret }, started, ctx.now)
    : null;
  const elapsed = ctx.now.getTime() - started.getTime();
  return {
    qr_data: qr,
    auto_start_token: state.same_device ? state.auto_start_token : null,
    same_device: state.same_device,
    order_started_at: state.order_started_at,
    awaiting_scan: qr !== null && awaitingScan(state),
    // qrTime ticks at whole seconds from the order start: refresh right after the next tick.
    refresh_after_ms: 1000 - (((elapsed % 1000) + 1000) % 1000),
    app_url: appUrl,
    // RFA20: "this device or another device?" (reference §1.9).
    choose_message: rfaText('RFA20', ctx.locale, state.operation),
  };
}
