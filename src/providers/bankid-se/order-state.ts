// What the adapter keeps between calls (ProviderState, stored encrypted by the broker).
import type { ProviderState } from '../contract.js';

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
