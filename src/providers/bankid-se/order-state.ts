// What the adapter keeps between calls (ProviderState, stored encrypted by the broker).
import type { ProviderState, StartContext } from '../contract.js';

export interface BankIdOrderState {
  order_ref: string;
  /** Absent for phone orders, which have no QR or autostart. */
  qr_start_token: string | null;
  qr_start_secret: string | null;
  auto_start_token: string | null;
  /** When auth/sign answered: qrTime counts from here (reference §1.7). */
  order_started_at: string;
  start_ip: string;
  operation: 'authenticate' | 'sign';
  phone: boolean;
  /** Set when the person started the app on the same device (autostart). */
  same_device: boolean;
  signed_text: string | null;
  last_hint: string | null;
}

export function readState(state: ProviderState): BankIdOrderState {
  if (typeof state.order_ref !== 'string') throw new Error('not a BankID order state');
  return state as unknown as BankIdOrderState;
}

/**
 * The page calls this (through the broker) when it launches the app with the autostart token, so
 * that the session-fixation check of the completion applies (BankID's advice for same-device).
 */
export function markSameDeviceStart(state: ProviderState): ProviderState {
  return { ...readState(state), same_device: true } as unknown as ProviderState;
}

/** State of a freshly started order; `order` is null for phone orders (no QR, no autostart). */
export function newState(ctx: StartContext, orderRef: string, now: Date, order: { qrStartToken: string; qrStartSecret: string; autoStartToken: string } | null): BankIdOrderState {
  return {
    order_ref: orderRef,
    qr_start_token: order?.qrStartToken ?? null,
    qr_start_secret: order?.qrStartSecret ?? null,
    auto_start_token: order?.autoStartToken ?? null,
    order_started_at: now.toISOString(),
    start_ip: ctx.end_user_ip,
    operation: ctx.operation,
    phone: Boolean(ctx.options.phone),
    same_device: ctx.options.device === 'same_device',
    signed_text: ctx.operation === 'sign' ? (ctx.options.sign?.text ?? null) : null,
    last_hint: null,
  };
}
