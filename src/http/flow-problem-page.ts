// What a person's browser gets when the workflow page itself (GET /flow/:token, a navigation) is
// refused: a small page in their language instead of the problem+json the page's script reads.
// The status code and its headers (Retry-After) stay as the error handler set them; the script's
// own calls keep their JSON answers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../core/types.js';
import { pickLocale } from './accept-language.js';
import { problemKey, problemText } from './flow-problem-messages.js';
import { esc } from './html.js';

export function renderProblemPage(locale: Locale, status: number): string {
  const title = problemText(locale, 'title');
  return `<!doctype html>
<html lang="${esc(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/assets/flow.css">
</head>
<body>
<main>
  <h1>${esc(title)}</h1>
  <p id="status" role="alert">${esc(problemText(locale, problemKey(status)))}</p>
</main>
</body>
</html>`;
}

/**
 * Turns a refused page navigation into HTML. `locale` is the session's when the session was read
 * before the refusal; otherwise the browser's Accept-Language decides. No script, nothing to click:
 * framing is refused, as the page cannot name a customer whose frame origins it could allow.
 */
export function problemPage(req: FastifyRequest, reply: FastifyReply, locale: Locale | null): string {
  reply.header('content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  reply.header('cache-control', 'no-store');
  reply.type('text/html; charset=utf-8');
  return renderProblemPage(locale ?? pickLocale(req.headers['accept-language']), reply.statusCode);
}
