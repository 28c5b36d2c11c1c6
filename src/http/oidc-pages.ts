// The few pages the OIDC return path shows itself: an error page for callbacks that change nothing,
// and the popup's last page (the iframe's page, long-polling /flow/:token/state, takes over there).
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Locale } from '../core/types.js';
import { esc } from './html.js';
import { returnText, type ReturnText } from './oidc-messages.js';

// The popup closes itself when the browser allows it (a window opened by script may be closed by it).
const CLOSE_SCRIPT = 'window.close();';
const CLOSE_HASH = createHash('sha256').update(CLOSE_SCRIPT).digest('base64');

function page(locale: Locale | null, title: string, text: string, script = ''): string {
  return `<!doctype html>
<html lang="${esc(locale ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title><link rel="stylesheet" href="/assets/flow.css"></head>
<body><main><h1>${esc(title)}</h1><p id="status" role="status">${esc(text)}</p></main>${script}</body></html>`;
}

function send(reply: FastifyReply, status: number, html: string, scriptHash?: string) {
  const script = scriptHash ? `script-src '${scriptHash}'` : "script-src 'none'";
  reply.header('content-security-policy', `default-src 'none'; style-src 'self'; ${script}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  reply.header('cache-control', 'no-store');
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export type ReturnProblem = Extract<ReturnText, 'unknown_state' | 'other_browser' | 'link_used' | 'try_again'>;

const STATUS: Record<ReturnProblem, number> = { unknown_state: 400, other_browser: 403, link_used: 400, try_again: 502 };

/** Nothing was changed; the person learns what to do next (in the session's language when known). */
export function sendProblem(reply: FastifyReply, problem: ReturnProblem, locale: Locale | null = null) {
  return send(reply, STATUS[problem], page(locale, returnText(locale, 'title_problem'), returnText(locale, problem)));
}

/** The popup's end: the page in the iframe sees the final state itself and moves on. */
export function sendPopupDone(reply: FastifyReply, locale: Locale) {
  const html = page(locale, returnText(locale, 'title_done'), returnText(locale, 'close_window'), `<script>${CLOSE_SCRIPT}</script>`);
  return send(reply, 200, html, `sha256-${CLOSE_HASH}`);
}
