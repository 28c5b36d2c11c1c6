// One attempt of one leased delivery: check the URL again (API.md §5: "again at every delivery"),
// sign with every active secret, send to the checked address, decide the outcome, record it.
import type { Clock } from '../core/ids.js';
import type { AttemptRecord, DeliveryOutcome, DeliveryPort, DueDelivery } from './delivery-port.js';
import type { ConnectionPools } from './connection-pools.js';
import { nextAttemptAt, shouldDisableEndpoint, type Random } from './schedule.js';
import { sendWebhook, type SendResult } from './sender.js';
import { signedHeaders } from './signing.js';
import { checkWebhookUrl, DEFAULT_RESOLVE_TIMEOUT_MS, type Resolver } from './ssrf-guard.js';
import type { WebhookLogger } from './webhook-logger.js';
import type { WebhookMetrics } from './webhook-metrics.js';

export interface AttemptContext {
  port: DeliveryPort;
  clock: Clock;
  owner: string;
  resolve?: Resolver;
  timeoutMs: number;
  random: Random;
  pools: ConnectionPools;
  metrics?: WebhookMetrics;
  logger?: WebhookLogger;
  send?: typeof sendWebhook;
}

function failure(error: string): SendResult {
  return { status: null, duration_ms: 0, error, retry_after_ms: null, response_excerpt: null };
}

async function checkSignSend(ctx: AttemptContext, d: DueDelivery, startedAt: Date): Promise<SendResult> {
  // One budget for the whole attempt (DNS check, connect, answer), so that an attempt never
  // outlasts `timeoutMs` and its lease stays safely longer (lease-budget.ts).
  const budget = AbortSignal.timeout(ctx.timeoutMs);
  const resolveTimeoutMs = Math.min(DEFAULT_RESOLVE_TIMEOUT_MS, ctx.timeoutMs);
  const checked = await checkWebhookUrl(d.url, { allowPrivate: d.allow_private, resolve: ctx.resolve, resolveTimeoutMs });
  if (!checked.ok) return failure(`${checked.code}: ${checked.reason}`);
  let headers;
  try {
    // The timestamp is the attempt's (spec "Webhook metadata"): receivers reject stale ones.
    headers = signedHeaders(d.event_id, Math.floor(startedAt.getTime() / 1000), d.body, d.secrets);
  } catch (err) {
    return failure(`signing failed: ${(err as Error).message}`);
  }
  const send = ctx.send ?? sendWebhook;
  const { url, address, family, addresses } = checked;
  return send({
    url, address, family, addresses, headers: { ...headers }, body: d.body, timeoutMs: ctx.timeoutMs, signal: budget, pools: ctx.pools, clock: ctx.clock,
  });
}

export function decideOutcome(number: number, result: SendResult, now: Date, random: Random): DeliveryOutcome {
  // Standard Webhooks "Delivery success and failure": 2xx only; everything else is a failure.
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'delivered' };
  const next = nextAttemptAt(number, now, result.retry_after_ms, random);
  if (next) return { kind: 'retry', next_attempt_at: next };
  return { kind: 'abandoned', reason: 'retries_exhausted' };
}

export async function attemptDelivery(ctx: AttemptContext, d: DueDelivery): Promise<DeliveryOutcome> {
  const startedAt = ctx.clock.now();
  const number = d.attempts + 1;
  const result = await checkSignSend(ctx, d, startedAt);
  const now = ctx.clock.now();
  const outcome = decideOutcome(number, result, now, ctx.random);
  const attempt: AttemptRecord = {
    number,
    started_at: startedAt,
    status: result.status,
    duration_ms: result.duration_ms,
    error: result.error,
    response_excerpt: result.response_excerpt,
  };
  await ctx.port.recordAttempt(ctx.owner, d.delivery_id, attempt, outcome);
  ctx.metrics?.attempt(outcome.kind, result.duration_ms);
  const failingSince = outcome.kind === 'delivered' ? null : (d.endpoint_failing_since ?? startedAt);
  if (shouldDisableEndpoint(result.status, failingSince, now)) {
    const reason = result.status === 410 ? 'receiver answered 410 Gone' : 'failing for 5 days';
    await ctx.port.disableEndpoint(d.endpoint_id, reason, now);
    ctx.logger?.warn({ endpoint_id: d.endpoint_id, reason }, 'webhook endpoint disabled');
  }
  ctx.logger?.info(
    { delivery_id: d.delivery_id, endpoint_id: d.endpoint_id, attempt: number, status: result.status, error: result.error, outcome: outcome.kind },
    'webhook attempt',
  );
  return outcome;
}
