// One simulated BankID order and the timing rules it obeys (reference §1.6).
import type { CallInitiator, CompletionData, Requirement } from '../types.js';

export interface SimOrder {
  orderRef: string;
  kind: 'auth' | 'sign';
  callInitiator: CallInitiator | null;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
  createdAt: number;
  endUserIp: string | null;
  /** requirement.personalNumber, or the personal number of a phone order. */
  requiredPersonalNumber: string | null;
  requirement: Requirement;
  userVisibleData?: string;
  userNonVisibleData?: string;
  userVisibleDataFormat?: string;
  returnRisk: boolean;
  /** Where the app sends the person when an autostarted order ends (reference §1.3). */
  returnUrl: string | null;
  rpName: string;
  status: 'pending' | 'complete' | 'failed';
  hintCode: string;
  /** Set when an app picked the order up (scan, autostart, app page). */
  pickedUpAt: number | null;
  person: string | null;
  finishedAt: number | null;
  completionData: CompletionData | null;
  /** BankID hands out a final answer once (reference §1.6, felfall "cannot be collected twice"). */
  finalCollected: boolean;
}

export interface OrderTiming {
  /** Time to scan the QR code or autostart before `startFailed` (about 30 s). */
  startTimeoutMs: number;
  /** Lifetime of a pending order before `expiredTransaction`. */
  orderLifetimeMs: number;
  /** How long a complete order stays collectable (3 min). */
  completeRetentionMs: number;
  /** How long a failed order stays collectable (5 min). */
  failedRetentionMs: number;
  /** Answer a second collect of a final order with invalidParameters, as BankID does. */
  singleFinalCollect: boolean;
}

export const DEFAULT_TIMING: OrderTiming = {
  startTimeoutMs: 30_000,
  orderLifetimeMs: 180_000,
  completeRetentionMs: 180_000,
  failedRetentionMs: 300_000,
  singleFinalCollect: true,
};

export function fail(order: SimOrder, hintCode: string, now: number): void {
  order.status = 'failed';
  order.hintCode = hintCode;
  order.finishedAt = now;
}

/** Applies the clock: start window, order lifetime. */
export function age(order: SimOrder, now: number, timing: OrderTiming): void {
  if (order.status !== 'pending') return;
  const elapsed = now - order.createdAt;
  // Phone orders have no QR or autostart step, so only their lifetime applies.
  if (!order.pickedUpAt && !order.callInitiator && elapsed >= timing.startTimeoutMs) {
    fail(order, 'startFailed', order.createdAt + timing.startTimeoutMs);
  } else if (elapsed >= timing.orderLifetimeMs) {
    fail(order, 'expiredTransaction', order.createdAt + timing.orderLifetimeMs);
  }
}

/** A final order is collectable for 3 (complete) or 5 (failed) minutes. */
export function collectable(order: SimOrder, now: number, timing: OrderTiming): boolean {
  if (order.status === 'pending' || order.finishedAt === null) return true;
  if (timing.singleFinalCollect && order.finalCollected) return false;
  const keep = order.status === 'complete' ? timing.completeRetentionMs : timing.failedRetentionMs;
  return now - order.finishedAt <= keep;
}
