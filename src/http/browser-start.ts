// What the workflow page's browser gives a provider's start (src/providers/contract.ts): its IP
// (trusted proxies applied by Fastify), user agent, and where the provider sends it back.
import type { FastifyRequest } from 'fastify';
import type { Session } from '../core/types.js';
import { redirectUrl } from './session-view.js';

export function browserStart(req: FastifyRequest, s: Session, publicUrl: string) {
  return {
    ip: req.ip,
    user_agent: req.headers['user-agent'] ?? null,
    callback_url: `${publicUrl}/flow/callback/${s.method}`,
    page_url: redirectUrl(s, publicUrl),
  };
}
