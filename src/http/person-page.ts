// The small HTML pages a person's browser is shown outside the workflow page: a refused link to the
// page itself (flow-problem-page.ts) and the OIDC return's pages (oidc-pages.ts). One shell, one
// policy: the page's stylesheet and nothing else, no framing, never cached, in the person's language.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Locale } from '../core/types.js';
import { esc } from './html.js';
import { assetUrl } from './page-assets.js';

export interface PersonPage {
  locale: Locale;
  title: string;
  text: string;
  /** How the text is announced: `alert` for a refusal met on opening a link, else `status`. */
  role: 'status' | 'alert';
  /** One inline script, allowed by its hash; without it the policy names `script-src` only if `noScript`. */
  script?: string;
  /** States `script-src 'none'` outright (the OIDC pages always name their script source). */
  noScript?: boolean;
  /** Adds `img-src 'self'` (the refused page's policy has always carried it). */
  images?: boolean;
}

function policy(page: PersonPage): string {
  const script = page.script
    ? `'sha256-${createHash('sha256').update(page.script).digest('base64')}'`
    : page.noScript ? "'none'" : null;
  return [
    "default-src 'none'", "style-src 'self'",
    ...(page.images ? ["img-src 'self'"] : []),
    ...(script ? [`script-src ${script}`] : []),
    "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

export function renderPersonPage(page: PersonPage): string {
  return `<!doctype html>
<html lang="${esc(page.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(page.title)}</title>
<link rel="stylesheet" href="${assetUrl('flow.css')}">
</head>
<body>
<main>
  <h1>${esc(page.title)}</h1>
  <p id="status" role="${page.role}">${esc(page.text)}</p>
</main>${page.script ? `<script>${page.script}</script>` : ''}
</body>
</html>`;
}

/**
 * Sets the page's headers on `reply` (its policy, no-store: a refusal or a return's answer is for
 * this moment only; HTML) and returns the page. The status is the caller's.
 */
export function personPage(reply: FastifyReply, page: PersonPage): string {
  reply.header('content-security-policy', policy(page));
  reply.header('cache-control', 'no-store');
  reply.type('text/html; charset=utf-8');
  return renderPersonPage(page);
}
