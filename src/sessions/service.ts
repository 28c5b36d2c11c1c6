// The application service: the only place that joins the state machine, storage and providers.
import type { Transaction } from 'kysely';
import { ApiError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { transition, type SessionEvent, type WebhookEventType } from '../core/transitions.js';
import type { MethodId, Session } from '../core/types.js';
import { isFinal } from '../core/types.js';
import type { Provider, ProviderState } from '../providers/contract.js';
import type { Database } from '../storage/schema.js';
import type { Store } from '../storage/store.js';
import type { ChangeFeed } from './change-feed.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Writes the webhook outbox rows in the transaction of the state change (API.md §5). */
export type OutboxWriter = (tx: Transaction<Database>, session: Session, event: WebhookEventType) => Promise<void>;

export interface ServiceDeps {
  store: Store;
  providers: Map<MethodId, Provider>;
  clock: Clock;
  feed: ChangeFeed;
  log: Logger;
  outbox?: OutboxWriter;
  onTransition?: (from: Session, to: Session) => void;
}

export interface Scheduling {
  next_check_at?: Date | null;
  callback_key?: string | null;
}

export class SessionService {
  constructor(readonly deps: ServiceDeps) {}

  provider(method: MethodId): Provider {
    const p = this.deps.providers.get(method);
    if (!p) throw new ApiError('method_not_enabled', `Method ${method} is not available on this broker.`);
    return p;
  }

  /**
   * Applies `decide`'s event with optimistic concurrency: re-read and retry when another writer
   * (a node, the collector, the merchant) changed the session in between.
   */
  async apply(id: string, decide: (s: Session) => SessionEvent | null, sched: Scheduling = {}): Promise<{ session: Session; changed: boolean } | null> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.deps.store.getSession(id);
      if (!current) return null;
      const event = decide(current);
      if (!event) return { session: current, changed: false };
      const now = this.deps.clock.now();
      const r = transition(current, event, now);
      if (!r.ok) return { session: current, changed: false };
      const final = isFinal(r.session.status);
      const columns: Scheduling = final ? { next_check_at: null, ...sched } : sched;
      // Committed with the other state changes and creates of this event-loop turn on SQLite.
      const written = await this.deps.store.writeGrouped(async (tx) => {
        if (!(await this.deps.store.updateSession(r.session, current.version, columns, tx))) return false;
        for (const e of r.effects) if (e.type === 'webhook' && this.deps.outbox) await this.deps.outbox(tx, r.session, e.event);
        return true;
      });
      if (!written) continue;
      for (const e of r.effects) if (e.type === 'cancel_provider') this.cancelProvider(r.session, e.provider_state);
      this.deps.onTransition?.(current, r.session);
      this.deps.feed.publish(id);
      return { session: r.session, changed: true };
    }
    throw new Error(`session ${id}: too many concurrent updates`);
  }

  /** Reads a session of this customer, applying expiry if it is due (API.md §3 `expired`). */
  async read(customerId: string, id: string): Promise<Session> {
    const s = await this.deps.store.getSession(id, customerId);
    if (!s) throw new ApiError('not_found', 'No such session.');
    return this.expireIfDue(s);
  }

  async expireIfDue<T extends Pick<Session, 'id' | 'status' | 'expires_at'>>(s: T): Promise<T | Session> {
    if (isFinal(s.status) || s.expires_at > this.deps.clock.now()) return s;
    const r = await this.apply(s.id, (cur) => (!isFinal(cur.status) && cur.expires_at <= this.deps.clock.now() ? { type: 'expire' } : null));
    return r?.session ?? s;
  }

  async cancel(customerId: string, id: string): Promise<Session> {
    const s = await this.read(customerId, id);
    if (isFinal(s.status)) throw new ApiError('session_final', `The session is already ${s.status}.`);
    const r = await this.apply(id, (cur) => (isFinal(cur.status) ? null : { type: 'cancel' }));
    if (!r?.changed) throw new ApiError('session_final', `The session is already ${r?.session.status ?? s.status}.`);
    return r.session;
  }

  private cancelProvider(s: Session, state: ProviderState): void {
    const provider = this.deps.providers.get(s.method);
    provider?.cancel(state).catch((err) => this.deps.log.warn({ session_id: s.id, err: String(err) }, 'provider cancel failed'));
  }
}
