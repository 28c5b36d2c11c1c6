// The few pages the OIDC return path shows itself: an error page for callbacks that change nothing,
// and the popup's last page (the iframe's page, long-polling /flow/:token/state, takes over there).
import type { FastifyReply } from 'fastify';
import type { Locale } from '../core/types.js';
import { personPage } from './person-page.js';
import { pageText } from './person-page-messages.js';

// The popup closes itself when the browser allows it (a window opened by script may be closed by it).
const CLOSE_SCRIPT = 'window.close();';

export type ReturnProblem = 'unknown_state' | 'other_browser' | 'link_used' | 'try_again';

const STATUS: Record<ReturnProblem, number> = { unknown_state: 400, other_browser: 403, link_used: 400, try_again: 502 };

/** Nothing was changed; the person learns what to do next (in the session's language when known). */
export function sendProblem(reply: FastifyReply, problem: ReturnProblem, locale: Locale | null = null) {
  // An unknown state has no session and so no locale: English.
  const lang = locale ?? 'en';
  const html = personPage(reply, { locale: lang, title: pageText(lang, 'title_problem'), text: pageText(lang, problem), role: 'status', noScript: true });
  return reply.code(STATUS[problem]).send(html);
}

/** The popup's end: the page in the iframe sees the final state itself and moves on. */
export function sendPopupDone(reply: FastifyReply, locale: Locale) {
  const html = personPage(reply, { locale, title: pageText(locale, 'title_done'), text: pageText(locale, 'close_window'), role: 'status', script: CLOSE_SCRIPT });
  return reply.code(200).send(html);
}
