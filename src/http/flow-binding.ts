// Binds a workflow page to the first browser whose script talks to us (API.md §4). A link scanner
// that only fetches the HTML binds nothing. The secret travels in a header set by the page's script
// (it also lives in sessionStorage, and in a partitioned cookie so that it works in a cross-site
// iframe); only its SHA-256 is stored.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { randomToken } from '../core/ids.js';
import type { Session } from '../core/types.js';
import type { Store } from '../storage/store.js';

export const BINDING_HEADER = 'x-idbridge-binding';
const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');
// Named by the page token's last 12 characters: its first nine are the creation time (ids.ts), so
// two sessions of one millisecond would share most of a name taken from the front. A cookie set
// under the earlier name (the front, before session ids were time-ordered) is still read.
const cookieName = (s: Session) => `idb_${s.page_token.slice(-12)}`;
const earlierCookieName = (s: Session) => `idb_${s.page_token.slice(0, 12)}`;

function presented(req: FastifyRequest, s: Session): string | null {
  const header = req.headers[BINDING_HEADER];
  if (typeof header === 'string' && header) return header;
  const cookie = req.cookies?.[cookieName(s)] ?? req.cookies?.[earlierCookieName(s)];
  return cookie || null;
}

export function matches(s: Session, secret: string | null): boolean {
  if (!s.browser_binding || !secret) return false;
  const a = Buffer.from(digest(secret), 'hex');
  const b = Buffer.from(s.browser_binding, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The page's first scripted request: binds, or proves it is the browser already bound. */
export async function bind(store: Store, req: FastifyRequest, reply: FastifyReply, s: Session, secure: boolean): Promise<string> {
  const given = presented(req, s) ?? (req.body as { binding?: string } | undefined)?.binding ?? null;
  if (matches(s, given)) return given as string;
  if (s.browser_binding) throw new ApiError('session_bound', 'This session is open in another browser.');
  const secret = randomToken(24);
  if (!(await store.bindBrowser(s.id, digest(secret)))) throw new ApiError('session_bound', 'This session is open in another browser.');
  reply.setCookie(cookieName(s), secret, {
    path: '/flow',
    httpOnly: true,
    secure,
    sameSite: secure ? 'none' : 'lax',
    partitioned: secure,
    maxAge: 3600,
  });
  return secret;
}

export function requireBinding(req: FastifyRequest, s: Session): void {
  if (!matches(s, presented(req, s))) throw new ApiError('forbidden', 'This page is bound to another browser.');
}
