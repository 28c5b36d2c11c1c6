// Drives a session's provider: the browser's start, the browser's callbacks, and the collector's
// checks all end here, as an Outcome turned into a state change.
import { ApiError } from '../core/errors.js';
import { isFinal, type Session } from '../core/types.js';
import type { Outcome, ProgressContext, ProviderState, StartContext } from '../providers/contract.js';
import { sameJson, stepFor, type Step } from './outcome.js';
import type { SessionService } from './service.js';

export interface BrowserInfo {
  ip: string;
  user_agent: string | null;
  callback_url: string;
  /** The workflow page itself (an eID app's way back after a same-device start). */
  page_url?: string;
}

/** What a collector check reads of a session (the collector holds only this in memory). */
export type CheckSession = Pick<Session, 'id' | 'method' | 'status' | 'version' | 'expires_at' | 'options' | 'progress' | 'provider_state'>;

/** A check's result: the session as it now is, and when to check it next (null: no more checks). */
export interface CheckResult {
  session: CheckSession;
  next_at: Date | null;
}

/**
 * BankID hands out a final collect answer once (reference §1.6): a final outcome whose write fails
 * (the database restarting) is written again every second for up to 20 s, while the check's lease
 * is renewed, instead of being lost to the next collect's invalidParameters. Pending outcomes are
 * not retried: the next collect asks again.
 */
export async function writeFinalDurably<T>(
  final: boolean, write: () => Promise<T>, attempts = 20, delayMs = 1000, mayRetry: () => boolean = () => true,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!final || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
      if (!mayRetry()) throw err;
    }
  }
}

export class SessionDriver {
  constructor(private readonly svc: SessionService) {}

  private progressContext(s: Pick<Session, 'id' | 'options'>, ip: string | null): ProgressContext {
    return { session_id: s.id, locale: s.options.locale, now: this.svc.deps.clock.now(), end_user_ip: ip };
  }

  /** The page's first scripted request starts the provider (created -> pending). Idempotent. */
  async start(s: Session, browser: BrowserInfo): Promise<Session> {
    if (s.status !== 'created') return s;
    const ctx: StartContext = {
      session_id: s.id, operation: s.operation, flow: s.flow, options: s.options, locale: s.options.locale,
      personal_number: s.personal.personal_number, end_user_ip: browser.ip, user_agent: browser.user_agent,
      callback_url: browser.callback_url, page_url: browser.page_url ?? null, now: this.svc.deps.clock.now(),
    };
    const outcome = await this.svc.provider(s.method).start(ctx);
    const updated = await this.record(s, outcome, (cur) => cur.status === 'created');
    if (updated.status !== 'pending' && outcome.kind === 'pending') {
      // Another request started it first: stop the order we just made, theirs is the one.
      await this.svc.provider(s.method).cancel(outcome.state).catch(() => undefined);
    }
    return updated;
  }

  async callback(s: Session, params: Record<string, string>, ip: string | null): Promise<Session> {
    const provider = this.svc.provider(s.method);
    if (s.status !== 'pending' || !s.provider_state || !provider.callback) return s;
    const outcome = await provider.callback(s.provider_state, params, this.progressContext(s, ip));
    // Written only against the provider state it was judged by: a step rebuilt meanwhile (the
    // person clicked again, reauthorize) has made this return's state a dead one.
    return this.record(s, outcome, (cur) => cur.status === 'pending' && sameJson(cur.provider_state, s.provider_state));
  }

  /**
   * The person's click on a browser step that can go stale (OIDC: the authorization request). The
   * provider's fresh state and its callback key replace the old ones in one write, only if the
   * session still holds the state the provider judged. `opened`: the current step already took the
   * person to the provider once. A fresh step that could not be made leaves the session as it was.
   */
  async reauthorize(s: Session, ip: string | null, opened: boolean): Promise<Session> {
    const provider = this.svc.provider(s.method);
    if (s.status !== 'pending' || !s.provider_state || !provider.reauthorize) return s;
    const outcome = await provider.reauthorize(s.provider_state, { ...this.progressContext(s, ip), opened });
    if (!outcome) return s;
    if (outcome.kind !== 'pending') {
      const why = outcome.kind === 'retry' ? outcome.reason : outcome.kind === 'failed' ? outcome.message : outcome.kind;
      this.svc.deps.log.warn({ session_id: s.id, err: why }, 'provider step could not be renewed');
      throw new ApiError('provider_unavailable', 'The identity provider could not be reached; try again.');
    }
    return this.record(s, outcome, (cur) => cur.status === 'pending' && sameJson(cur.provider_state, s.provider_state));
  }

  /**
   * One collector check of a pending session (BankID collect), by the node that holds its lease.
   * A collect that changes nothing writes nothing: the caller keeps the schedule (`next_at`).
   */
  async check(s: CheckSession, leaseUntil?: () => number): Promise<CheckResult> {
    const provider = this.svc.provider(s.method);
    if (s.status !== 'pending' || !s.provider_state || !provider.progress) return { session: s, next_at: null };
    const expired = await this.svc.expireIfDue(s);
    if (isFinal(expired.status)) return { session: expired, next_at: null };
    // The next collect is due 2 s after this one started, not after it answered, so that the
    // interval the provider sees does not grow by the call's and the write's latency.
    const startedAt = this.svc.deps.clock.now();
    let outcome: Outcome;
    try {
      outcome = await provider.progress(s.provider_state, this.progressContext(s, null));
    } catch (err) {
      this.svc.deps.log.warn({ session_id: s.id, err: String(err) }, 'provider check failed');
      outcome = { kind: 'retry', after_ms: 2000, reason: 'error' };
    }
    // Retries (429/503 back-off) count from the answer; regular collects from the call's start,
    // but never sooner than 1 s after the answer: on a busy node a call held up on its way would
    // otherwise reach BankID less than a second after the one before (seen in the fault test).
    const answeredAt = this.svc.deps.clock.now();
    const from = outcome.kind === 'pending' ? new Date(Math.max(startedAt.getTime(), answeredAt.getTime() - 1000)) : answeredAt;
    const step = stepFor(s, outcome, from);
    if (step.kind === 'reschedule') return { session: s, next_at: step.at };
    const final = outcome.kind === 'complete' || outcome.kind === 'failed';
    // A retry of the final write must land while the lease is ours, with a second to spare for the
    // write itself; another node may take the order over once the lease has run out.
    const leaseHeld = () => !leaseUntil || this.svc.deps.clock.now().getTime() < leaseUntil() - 1000;
    let r = await writeFinalDurably(final, () => this.apply(s, step, (cur) => cur.status === 'pending' && cur.version === s.version), 20, 1000, leaseHeld);
    // A final answer refused because the session changed since it was read (a same-device mark
    // this node had not heard of) is judged again by the session as it now is, not dropped: the
    // provider will not answer it a second time.
    const reconsider = outcome.kind === 'complete' || outcome.kind === 'failed' ? outcome.reconsider : undefined;
    for (let again = 0; again < 3 && reconsider && r && !r.changed && r.session.status === 'pending' && r.session.provider_state; again++) {
      const cur = r.session;
      const nextStep = stepFor(cur, reconsider(cur.provider_state as ProviderState), from);
      if (nextStep.kind === 'reschedule') break;
      r = await writeFinalDurably(true, () => this.apply(cur, nextStep, (now) => now.status === 'pending' && now.version === cur.version), 20, 1000, leaseHeld);
    }
    if (!r) return { session: s, next_at: null };
    if (r.session.status !== 'pending') return { session: r.session, next_at: null };
    // Not applied (another writer changed the session since it was read): check again, no sooner
    // than BankID's 2 s after this collect, with the session as it now is.
    return { session: r.session, next_at: r.changed ? step.next_check_at : new Date(from.getTime() + 2000) };
  }

  /** The person pressed Cancel on our page: the session fails `user_cancelled`, the order stops. */
  async cancelByPerson(s: Session): Promise<Session> {
    const state = s.provider_state;
    const r = await this.svc.apply(s.id, (cur) =>
      isFinal(cur.status) ? null : { type: 'fail', error: { code: 'user_cancelled', message: 'The person cancelled.' } },
    );
    if (r?.changed && state) await this.svc.provider(s.method).cancel(state).catch(() => undefined);
    return r?.session ?? s;
  }

  view(s: Session, ip: string | null): Record<string, unknown> | null {
    const provider = this.svc.provider(s.method);
    if (s.status !== 'pending' || !s.provider_state || !provider.view) return null;
    return provider.view(s.provider_state, this.progressContext(s, ip));
  }

  private async record(s: Session, outcome: Outcome, still: (cur: Session) => boolean): Promise<Session> {
    const step = stepFor(s, outcome, this.svc.deps.clock.now());
    if (step.kind === 'reschedule') {
      await this.svc.deps.store.reschedule(s.id, step.at);
      return s;
    }
    return (await this.apply(s, step, still))?.session ?? s;
  }

  private apply(s: CheckSession, step: Extract<Step, { kind: 'event' }>, still: (cur: Session) => boolean) {
    return this.svc.apply(s.id, (cur) => (still(cur) ? step.event : null), {
      next_check_at: step.next_check_at,
      ...(step.callback_key !== undefined ? { callback_key: step.callback_key } : {}),
    });
  }
}
