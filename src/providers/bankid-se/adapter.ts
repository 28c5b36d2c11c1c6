// Swedish BankID behind the provider contract (DESIGN.md): start = auth/sign (or phone/*),
// progress = collect every 2 s (reference §1.6), view = the animated QR of this second.
import { systemClock, type Clock } from '../../core/ids.js';
import type { Outcome, ProgressContext, Provider, ProviderState, StartContext } from '../contract.js';
import type { BankIdClient } from './client.js';
import { BankIdApiError, isRetriable } from './errors.js';
import { failureFor } from './messages.js';
import { authOrSignRequest, launchUrl, phoneRequest } from './order-requests.js';
import { newState, readState, type BankIdOrderState } from './order-state.js';
import { collectOutcome } from './collect-outcome.js';
import { RetryBackoff } from './retry-backoff.js';
import { orderView } from './order-view.js';

export interface BankIdProviderOptions {
  client: BankIdClient;
  clock?: Clock;
  /** Refuse a same-device completion from another IP than the start (session fixation). */
  checkIpOnSameDevice?: boolean;
  /** Collect cadence; BankID asks for 2 s (reference §1.6). */
  collectIntervalMs?: number;
  /** `simulated` only: the simulator's app page, which the page opens instead of the real app. */
  appUrl?: string | null;
}

export const COLLECT_INTERVAL_MS = 2000;

export function createBankIdProvider(options: BankIdProviderOptions): Provider {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const interval = options.collectIntervalMs ?? COLLECT_INTERVAL_MS;
  const backoff = new RetryBackoff();
  const checkIp = options.checkIpOnSameDevice ?? true;

  async function start(ctx: StartContext): Promise<Outcome> {
    if (ctx.options.phone && !ctx.personal_number) {
      return { kind: 'failed', code: 'invalid_request', message: 'phone needs personal_number' };
    }
    try {
      return ctx.options.phone ? await startPhone(ctx) : await startOrder(ctx);
    } catch (error) {
      return errorOutcome(error, `start:${ctx.session_id}`, ctx);
    }
  }

  async function startOrder(ctx: StartContext): Promise<Outcome> {
    const body = authOrSignRequest(ctx);
    const order = ctx.operation === 'sign' ? await client.sign({ ...body, userVisibleData: body.userVisibleData ?? '' }) : await client.auth(body);
    const state = newState(ctx, order.orderRef, clock.now(), order);
    const launch = { auto_start_token: order.autoStartToken, launch_url: launchUrl(order.autoStartToken), qr_url: null };
    return pending(state, ctx, 'outstandingTransaction', launch);
  }

  async function startPhone(ctx: StartContext): Promise<Outcome> {
    const body = phoneRequest(ctx);
    const order = ctx.operation === 'sign' ? await client.phoneSign({ ...body, userVisibleData: body.userVisibleData ?? '' }) : await client.phoneAuth(body);
    return pending(newState(ctx, order.orderRef, clock.now(), null), ctx, 'outstandingTransaction', null);
  }

  function pending(state: BankIdOrderState, ctx: { locale: StartContext['locale'] }, hint: string, launch: Record<string, unknown> | null): Outcome {
    const outcome = collectOutcome({ orderRef: state.order_ref, status: 'pending', hintCode: hint }, state, ctx.locale, { now: clock.now(), checkIp });
    return { ...outcome, ...(launch ? { launch } : {}), next_check_ms: interval } as Outcome;
  }

  async function progress(raw: ProviderState, ctx: ProgressContext): Promise<Outcome> {
    const state = readState(raw);
    try {
      const response = await client.collect(state.order_ref);
      backoff.clear(state.order_ref);
      const outcome = collectOutcome(response, state, ctx.locale, { now: ctx.now, checkIp });
      if (outcome.kind === 'pending') return { ...outcome, next_check_ms: interval };
      // BankID answers a finished order once: should the session have changed since `raw` was read,
      // the same answer is judged again by the state as it now is (the driver asks).
      const reconsider = (fresh: ProviderState) => collectOutcome(response, readState(fresh), ctx.locale, { now: ctx.now, checkIp });
      return outcome.kind === 'complete' || outcome.kind === 'failed' ? { ...outcome, reconsider } : outcome;
    } catch (error) {
      return errorOutcome(error, state.order_ref, ctx, state);
    }
  }

  function errorOutcome(error: unknown, key: string, ctx: { locale: StartContext['locale'] }, state?: BankIdOrderState): Outcome {
    const transient = isRetriable(error) || (state && error instanceof BankIdApiError && [408, 500].includes(error.status));
    if (transient && backoff.attempts(key) < RetryBackoff.MAX_ATTEMPTS) {
      const retryAfter = error instanceof BankIdApiError ? error.retryAfterMs : null;
      return { kind: 'retry', after_ms: backoff.next(key, retryAfter), reason: describe(error) };
    }
    backoff.clear(key);
    if (!(error instanceof BankIdApiError) && !isRetriable(error)) throw error;
    const code = error instanceof BankIdApiError ? bankIdErrorCode(error) : 'providerError';
    const operation = state?.operation;
    return { kind: 'failed', ...failureFor(code, ctx.locale, { operation }) };
  }

  return {
    method: 'se-bankid',
    operations: ['authenticate', 'sign'],
    flows: ['browser', 'headless'],
    start,
    progress,
    view: (raw: ProviderState, ctx: ProgressContext) => orderView(readState(raw), ctx, options.appUrl ?? null),
    async cancel(raw: ProviderState) {
      const state = readState(raw);
      backoff.clear(state.order_ref);
      try {
        await client.cancel(state.order_ref);
      } catch (error) {
        // An order that already ended answers invalidParameters (reference §1.5): nothing to do.
        if (error instanceof BankIdApiError && error.errorCode === 'invalidParameters') return;
        throw error;
      }
    },
  };
}

/** 4xx codes an RP must not show raw (reference §1.5) become one stable API code. */
function bankIdErrorCode(error: BankIdApiError): string {
  // Only alreadyInProgress means something to the merchant; every other error code (internal
  // ones, 5xx, 408/429 after retries, codes BankID may add: RFA22) is one stable provider_error.
  return error.errorCode === 'alreadyInProgress' ? 'alreadyInProgress' : 'providerError';
}

function describe(error: unknown): string {
  if (error instanceof BankIdApiError) return `bankid ${error.status} ${error.errorCode}`;
  return error instanceof Error ? error.message : String(error);
}
