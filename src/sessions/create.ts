// POST /v1/sessions (API.md §3): checks against the customer, idempotency, and for the headless
// flow the provider order started before the answer.
import { createHash } from 'node:crypto';
import { ApiError } from '../core/errors.js';
import { newSessionId, timeOrderedToken } from '../core/ids.js';
import { transition } from '../core/transitions.js';
import type { MethodId, Session } from '../core/types.js';
import { METHODS } from '../core/types.js';
import type { Provider } from '../providers/contract.js';
import type { Customer } from '../storage/customers.js';
import type { CreateSessionInput } from './create-input.js';
import type { SessionService } from './service.js';
import { stepFor } from './outcome.js';

export interface CreateContext {
  idempotency_key: string | null;
  raw_body: unknown;
  callback_url: (method: MethodId) => string;
  demo_enabled: boolean;
  /** The 201 body of a new session (the merchant API's view of it). */
  answer: (s: Session) => Record<string, unknown>;
}

/**
 * `body` is what to send: a new session's answer, or on a replay the first answer exactly as it was
 * given (API.md §3 "returns the first answer"), whatever the session has become since.
 */
export type CreateAnswer =
  | { status_code: 201; body: unknown; session: Session; replayed: false }
  | { status_code: 201; body: unknown; session: null; replayed: true };

/**
 * What an Idempotency-Key keeps: the session's id, and the first answer when it holds no personal
 * data. The id stays beside the answer for nodes older than the answer (a rolling deploy shares
 * the database): they replay by reading the session with it. Rows written before the answer was
 * kept have the id only.
 */
type StoredCreate = { session_id: string; body?: Record<string, unknown> };

function checkAgainstCustomer(svc: SessionService, c: Customer, input: CreateSessionInput, demoEnabled: boolean) {
  const method = input.method as MethodId;
  const known = (METHODS as readonly string[]).includes(method) && (method !== 'demo' || demoEnabled);
  if (!known || !c.methods.includes(method) || !svc.deps.providers.has(method)) {
    throw new ApiError('method_not_enabled', `Method ${input.method} is not enabled for this customer.`);
  }
  const provider = svc.provider(method);
  if (!provider.operations.includes(input.operation)) throw new ApiError('operation_not_supported', `${method} cannot ${input.operation}.`);
  if (!provider.flows.includes(input.flow)) throw new ApiError('flow_not_supported', `${method} has no ${input.flow} flow.`);
  if (input.phone && method !== 'se-bankid') throw new ApiError('flow_not_supported', 'Phone orders exist only for se-bankid.');
  for (const field of ['target', 'target_error'] as const) {
    const url = input[field];
    if (url && !c.targets.includes(url)) throw new ApiError('target_not_allowed', `${field} is not a registered target.`, [{ field, message: 'not registered for this customer' }]);
  }
  if (input.frame_origin && !c.frame_origins.includes(input.frame_origin)) {
    throw new ApiError('frame_origin_not_allowed', 'frame_origin is not registered.', [{ field: 'frame_origin', message: 'not registered for this customer' }]);
  }
  return { method, provider };
}

function newSession(c: Customer, input: CreateSessionInput, method: MethodId, now: Date): Session {
  return {
    id: newSessionId(),
    customer_id: c.id,
    status: 'created',
    method,
    operation: input.operation,
    flow: input.flow,
    relay_state: input.relay_state ?? null,
    metadata: input.metadata ?? null,
    options: {
      target: input.target ?? null,
      target_error: input.target_error ?? null,
      locale: input.locale,
      sign: input.sign ? { text: input.sign.text, format: input.sign.format, hidden_data: input.sign.hidden_data } : null,
      device: input.device,
      min_assurance: input.min_assurance ?? null,
      return_url: input.return_url ?? null,
      frame_origin: input.frame_origin ?? null,
      phone: input.phone ?? null,
    },
    personal: { personal_number: input.personal_number ?? null, end_user_ip: input.end_user_ip ?? null, result: null },
    provider_state: null,
    launch: null,
    progress: null,
    error: null,
    version: 1,
    created_at: now,
    updated_at: now,
    expires_at: new Date(now.getTime() + input.expires_in * 1000),
    completed_at: null,
    result_erased_at: null,
    retention_hours: c.retention_hours,
    page_token: timeOrderedToken(),
    browser_binding: null,
  };
}

const hashBody = (body: unknown) => createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');

export async function createSession(svc: SessionService, c: Customer, input: CreateSessionInput, ctx: CreateContext): Promise<CreateAnswer> {
  const { store, clock } = svc.deps;
  const requestHash = ctx.idempotency_key ? hashBody(ctx.raw_body) : '';
  if (ctx.idempotency_key) {
    const prior = await store.getIdempotent(c.id, ctx.idempotency_key);
    if (prior) return replay(svc, c, prior, requestHash, ctx);
  }
  const { method, provider } = checkAgainstCustomer(svc, c, input, ctx.demo_enabled);
  const now = clock.now();
  let session = newSession(c, input, method, now);
  let sched: { next_check_at: Date | null; callback_key: string | null } = { next_check_at: null, callback_key: null };
  if (input.flow === 'headless') ({ session, sched } = await startHeadless(svc, provider, session, ctx));
  // Without an Idempotency-Key the row is one INSERT, atomic on its own; it is committed together
  // with the other creates of this event-loop turn (storage/group-commit.ts).
  const body = ctx.answer(session);
  if (!ctx.idempotency_key) {
    await store.insertSessionGrouped(session, sched);
    return { status_code: 201, body, session, replayed: false };
  }
  const key = ctx.idempotency_key;
  // The answer is kept in plain text: it holds no personal data (personal_number and end_user_ip
  // are never in a view, `result` is null until a session completes). Should a provider ever
  // complete at start, only the id is kept and a replay reads the session, whose personal data
  // then follows retention instead of outliving it here.
  const stored: StoredCreate = session.personal.result === null ? { session_id: session.id, body } : { session_id: session.id };
  try {
    await store.transaction(async (tx) => {
      await store.insertSession(session, tx, sched);
      await store.putIdempotent(tx, c.id, key, { request_hash: requestHash, status_code: 201, response: stored }, now);
    });
  } catch (err) {
    // Two requests with one key raced: the loser answers what the winner stored.
    const prior = await store.getIdempotent(c.id, key);
    if (prior) return replay(svc, c, prior, requestHash, ctx);
    throw err;
  }
  return { status_code: 201, body, session, replayed: false };
}

async function replay(svc: SessionService, c: Customer, prior: { request_hash: string; response: unknown }, requestHash: string, ctx: CreateContext): Promise<CreateAnswer> {
  if (prior.request_hash !== requestHash) throw new ApiError('idempotency_conflict', 'This Idempotency-Key was used with another body.');
  const stored = prior.response as StoredCreate;
  if (stored.body) return { status_code: 201, body: stored.body, session: null, replayed: true };
  return { status_code: 201, body: ctx.answer(await svc.read(c.id, stored.session_id)), session: null, replayed: true };
}

async function startHeadless(svc: SessionService, provider: Provider, s: Session, ctx: CreateContext) {
  const now = svc.deps.clock.now();
  let outcome;
  try {
    outcome = await provider.start({
      session_id: s.id, operation: s.operation, flow: s.flow, options: s.options, locale: s.options.locale,
      personal_number: s.personal.personal_number, end_user_ip: s.personal.end_user_ip ?? '', user_agent: null,
      callback_url: ctx.callback_url(s.method), now,
    });
  } catch (err) {
    svc.deps.log.warn({ session_id: s.id, err: String(err) }, 'provider start failed');
    throw new ApiError('provider_unavailable', 'The eID provider could not start the order; nothing was stored.');
  }
  const step = stepFor(s, outcome, now);
  if (step.kind === 'reschedule') throw new ApiError('provider_unavailable', 'The eID provider is busy; retry later.', undefined, { 'retry-after': String(Math.ceil((step.at.getTime() - now.getTime()) / 1000)) });
  const r = transition(s, step.event, now);
  if (!r.ok) throw new Error('unreachable: a new session accepts every first event');
  // The new row is written once, already started: version 2 records the start as a change.
  return { session: r.session, sched: { next_check_at: step.next_check_at, callback_key: step.callback_key ?? null } };
}
