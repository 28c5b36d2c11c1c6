// Binds the return from an OIDC provider to the browser that ran the workflow page (API.md §3: a
// callback "bound to another browser changes no session"; docs/oidc.md "Binding the return").
//
// The page's own binding cannot be used at the callback: the provider's login runs top-level or in
// a popup (API.md §4), so when the page sits in a cross-site iframe its partitioned /flow cookie
// and sessionStorage belong to another partition. Instead the bound page asks for a one-time go URL;
// opening it in the window that goes to the provider swaps the nonce, once, for a first-party
// cookie (SameSite=Lax: sent on the provider's top-level redirect back) that the callback checks.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../core/ids.js';
import type { Session } from '../core/types.js';
import type { Store } from '../storage/store.js';

/** `top`: the page itself went to the provider; `popup`: a window opened from an iframe did. */
export type ReturnMode = 'top' | 'popup';

export const CALLBACK_COOKIE_PATH = '/flow/callback';
const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');
// By the token's random end, not its time-ordered front (as flow-binding.ts); the earlier name is still read.
const cookieName = (s: Session) => `idb_cb_${s.page_token.slice(-12)}`;
const earlierCookieName = (s: Session) => `idb_cb_${s.page_token.slice(0, 12)}`;

function sameDigest(expected: string, secret: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(digest(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Stored value: `<n|c|u>:<mode>:<sha256 hex>` (nonce, cookie, cookie used once); else no binding.
 * A used cookie carries `:<ms>` while its return exchanges the code (since when); the time is
 * dropped when the exchange is over, whatever its outcome. Earlier versions stored `u` without it.
 */
function parse(value: string | null): { kind: 'n' | 'c' | 'u'; mode: ReturnMode; digest: string; since: number | null } | null {
  const m = /^([ncu]):(top|popup):([0-9a-f]{64})(?::(\d{1,15}))?$/.exec(value ?? '');
  if (!m || (m[4] !== undefined && m[1] !== 'u')) return null;
  return { kind: m[1] as 'n' | 'c' | 'u', mode: m[2] as ReturnMode, digest: m[3], since: m[4] === undefined ? null : Number(m[4]) };
}

/**
 * Longer than a return's code exchange can take (token, UserInfo and key set calls, 30 s each at
 * most in openid-client): an exchange marked earlier than this was abandoned (its node stopped).
 */
export const EXCHANGE_LIMIT_MS = 120_000;

/** Whether a return of this session is exchanging its code now (claimed, not over, not abandoned). */
export async function exchanging(store: Store, s: Session, now: Date): Promise<boolean> {
  const since = parse(await store.getCallbackBinding(s.id))?.since ?? null;
  return since !== null && now.getTime() - since < EXCHANGE_LIMIT_MS;
}

/**
 * Whether a go URL of this session was spent, i.e. its authorize URL already took a window to the
 * provider (`c:` out, `u:` back). The click then gets a fresh authorization request (reauthorize).
 */
export async function wentOut(store: Store, s: Session): Promise<boolean> {
  const kind = parse(await store.getCallbackBinding(s.id))?.kind;
  return kind === 'c' || kind === 'u';
}

/** A fresh one-time nonce for the bound page; a newer one replaces any earlier nonce or cookie. */
export async function mintGoNonce(store: Store, s: Session, mode: ReturnMode): Promise<string> {
  const nonce = randomToken(24);
  await store.setCallbackBinding(s.id, `n:${mode}:${digest(nonce)}`);
  return nonce;
}

/**
 * Spends the nonce (compare-and-swap, so two requests with one nonce cannot both win) and sets
 * the callback cookie in this window. False when the nonce is unknown, replaced or already used.
 */
export async function spendGoNonce(store: Store, reply: FastifyReply, s: Session, nonce: string, secure: boolean): Promise<boolean> {
  const current = await store.getCallbackBinding(s.id);
  const stored = parse(current);
  if (!stored || stored.kind !== 'n' || !sameDigest(stored.digest, nonce)) return false;
  const secret = randomToken(24);
  if (!(await store.swapCallbackBinding(s.id, current as string, `c:${stored.mode}:${digest(secret)}`))) return false;
  reply.setCookie(cookieName(s), secret, {
    path: CALLBACK_COOKIE_PATH,
    httpOnly: true,
    secure,
    // Lax, first-party, not partitioned: the provider sends the browser back with a top-level GET.
    sameSite: 'lax',
    maxAge: Math.max(60, Math.ceil((s.expires_at.getTime() - Date.now()) / 1000)),
  });
  return true;
}

export interface Returning {
  mode: ReturnMode;
  /**
   * Marks this return as the one that exchanges the code (from `now`); false when another request
   * already did. A click meanwhile waits for the exchange instead of replacing its request.
   */
  claim(now: Date): Promise<boolean>;
  /** The claimed exchange is over (its outcome written, or none): a click may rebuild again. */
  over(): Promise<void>;
}

/** The window coming back, or null when it is not the browser that went out. */
export async function returning(store: Store, req: FastifyRequest, s: Session): Promise<Returning | null> {
  const current = await store.getCallbackBinding(s.id);
  const stored = parse(current);
  const secret = req.cookies?.[cookieName(s)] ?? req.cookies?.[earlierCookieName(s)];
  if (!stored || stored.kind === 'n' || !secret || !sameDigest(stored.digest, secret)) return null;
  const used = `u:${stored.mode}:${stored.digest}`;
  let claimed: string | null = null;
  // Two returns at once (a double submit) must not both exchange: the loser's invalid_grant could
  // otherwise fail the session before the winner completes it.
  const claim = async (now: Date) => {
    const next = `${used}:${now.getTime()}`;
    if (stored.kind !== 'c' || !(await store.swapCallbackBinding(s.id, current as string, next))) return false;
    claimed = next;
    return true;
  };
  // Only our own mark: a newer go URL minted meanwhile (an abandoned exchange) stays.
  const over = async () => {
    if (claimed) await store.swapCallbackBinding(s.id, claimed, used);
  };
  return { mode: stored.mode, claim, over };
}
