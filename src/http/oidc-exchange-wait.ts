// Waiting out a return that is exchanging its code (docs/oidc.md "Binding the return"). The click
// on the page (POST /go) must not replace the authorization request under that exchange: the
// exchange's write would then fail against the new provider state, and the person's login, whose
// code the provider has spent, would be lost. A second return of a double submit waits the same way.
import type { Clock } from '../core/ids.js';
import { isFinal, type Session } from '../core/types.js';
import type { ChangeFeed } from '../sessions/change-feed.js';
import type { Store } from '../storage/store.js';
import { exchanging } from './oidc-return-binding.js';

/** How often the binding is read again: the end of an exchange without an outcome is no session change. */
const POLL_MS = 200;

export interface AfterExchange {
  /** The session as it is now. */
  session: Session;
  /** A return is still exchanging (the wait ran out first). */
  exchanging: boolean;
}

/** Waits, at most `ms`, while a return of `s` exchanges its code; at once when none does. */
export async function afterExchange(
  deps: { store: Store; feed: ChangeFeed; clock: Clock }, s: Session, ms: number,
): Promise<AfterExchange> {
  const until = Date.now() + ms;
  for (;;) {
    const stop = new AbortController();
    // Armed before the reads: an outcome committed between them still wakes this wait.
    const woken = deps.feed.next(s.id, Math.max(0, Math.min(POLL_MS, until - Date.now())), stop.signal);
    // The binding before the session: an exchange writes its outcome first, then marks itself
    // over, so an exchange seen over here has its outcome in the session read after.
    const busy = await exchanging(deps.store, s, deps.clock.now());
    const session = (await deps.store.getSession(s.id)) ?? s;
    if (!busy || isFinal(session.status) || Date.now() >= until) {
      stop.abort();
      return { session, exchanging: busy && !isFinal(session.status) };
    }
    await woken;
  }
}
