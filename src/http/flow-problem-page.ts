// What a person's browser gets when the workflow page itself (GET /flow/:token, a navigation) is
// refused: a small page in their language instead of the problem+json the page's script reads.
// The status code and its headers (Retry-After) stay as the error handler set them; the script's
// own calls keep their JSON answers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../core/types.js';
import { pickLocale } from './accept-language.js';
import { t } from './i18n.js';
import { personPage } from './person-page.js';
import { pageText } from './person-page-messages.js';

/** The words for a refused page, from the problem's status (API.md §6). */
export function refusalText(locale: Locale, status: number): string {
  if (status === 404 || status === 400) return pageText(locale, 'refused_not_found');
  // Bound to another browser: the words the workflow page itself shows for it.
  if (status === 403 || status === 409) return t(locale, 'bound_elsewhere');
  if (status === 429) return pageText(locale, 'refused_rate_limited');
  return pageText(locale, 'refused_other');
}

/**
 * Turns a refused page navigation into HTML. `locale` is the session's when the session was read
 * before the refusal; otherwise the browser's Accept-Language decides. No script, nothing to click:
 * framing is refused, as the page cannot name a customer whose frame origins it could allow.
 */
export function problemPage(req: FastifyRequest, reply: FastifyReply, locale: Locale | null): string {
  const lang = locale ?? pickLocale(req.headers['accept-language']);
  const text = refusalText(lang, reply.statusCode);
  return personPage(reply, { locale: lang, title: pageText(lang, 'refused_title'), text, role: 'alert', images: true });
}
