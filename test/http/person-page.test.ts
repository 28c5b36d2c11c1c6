// The small person-facing pages share one shell (src/http/person-page.ts): the OIDC return's pages
// and the refused workflow-page link answer as they did before they shared it (status, policy,
// no-store, language, words), and the words a page shows for "opened in another browser" are the
// workflow page's own.
import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/core/types.js';
import { problemPage, refusalText } from '../../src/http/flow-problem-page.js';
import { MESSAGES } from '../../src/http/i18n.js';
import { sendPopupDone, sendProblem, type ReturnProblem } from '../../src/http/oidc-pages.js';
import { renderPersonPage } from '../../src/http/person-page.js';
import { pageText } from '../../src/http/person-page-messages.js';

const LOCALES: Locale[] = ['en', 'sv', 'nb', 'da', 'fi'];
const TAIL = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

describe('person-facing pages', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    app.get('/return/:problem/:locale', async (req, reply) => {
      const { problem, locale } = req.params as { problem: ReturnProblem; locale: string };
      return sendProblem(reply, problem, locale === '-' ? null : (locale as Locale));
    });
    app.get('/done/:locale', async (req, reply) => sendPopupDone(reply, (req.params as { locale: Locale }).locale));
    app.get('/refused/:status/:locale', async (req, reply) => {
      const { status, locale } = req.params as { status: string; locale: string };
      reply.code(Number(status));
      return problemPage(req, reply, locale === '-' ? null : (locale as Locale));
    });
    await app.ready();
  });
  afterAll(async () => app?.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('OIDC return problems: their status, no script, no-store, in the session language (English without one)', async () => {
    const status: Record<ReturnProblem, number> = { unknown_state: 400, other_browser: 403, link_used: 400, try_again: 502 };
    for (const [problem, code] of Object.entries(status) as [ReturnProblem, number][]) {
      for (const locale of [...LOCALES, '-']) {
        const r = await get(`/return/${problem}/${locale}`);
        const lang = locale === '-' ? 'en' : locale;
        expect(r.statusCode).toBe(code);
        expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(r.headers['cache-control']).toBe('no-store');
        expect(r.headers['content-security-policy']).toBe(`default-src 'none'; style-src 'self'; script-src 'none'; ${TAIL}`);
        expect(r.body).toContain(`<html lang="${lang}">`);
        expect(r.body).toContain(`<title>${pageText(lang as Locale, 'title_problem')}</title>`);
        expect(r.body).toContain(`<p id="status" role="status">${pageText(lang as Locale, problem)}</p>`);
        expect(r.body).not.toContain('<script');
      }
    }
    expect((await get('/return/try_again/sv')).body).toContain('Det gick inte att nå e-legitimationen.');
  });

  it('the popup\'s last page runs only its own closing script, allowed by that script\'s hash', async () => {
    for (const locale of LOCALES) {
      const r = await get(`/done/${locale}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      const scripts = [...r.body.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]);
      expect(scripts).toEqual(['window.close();']);
      const hash = createHash('sha256').update(scripts[0]).digest('base64');
      expect(r.headers['content-security-policy']).toBe(`default-src 'none'; style-src 'self'; script-src 'sha256-${hash}'; ${TAIL}`);
      expect(r.body).toContain(`<html lang="${locale}">`);
      expect(r.body).toContain(pageText(locale, 'close_window'));
    }
  });

  it('a refused page link: the status kept, its words by status, in the session language or else the browser\'s', async () => {
    for (const locale of LOCALES) {
      for (const [status, key] of [[404, 'refused_not_found'], [400, 'refused_not_found'], [429, 'refused_rate_limited'], [500, 'refused_other'], [503, 'refused_other']] as const) {
        const r = await get(`/refused/${status}/${locale}`, { 'accept-language': 'de' });
        expect(r.statusCode).toBe(status);
        expect(r.headers['cache-control']).toBe('no-store');
        expect(r.headers['content-security-policy']).toBe(`default-src 'none'; style-src 'self'; img-src 'self'; ${TAIL}`);
        expect(r.body).toContain(`<html lang="${locale}">`);
        expect(r.body).toContain(`<title>${pageText(locale, 'refused_title')}</title>`);
        expect(r.body).toContain(`<p id="status" role="alert">${pageText(locale, key)}</p>`);
        expect(r.body).not.toContain('<script');
      }
    }
    expect((await get('/refused/404/-', { 'accept-language': 'da, en;q=0.5' })).body).toContain('<html lang="da">');
    expect((await get('/refused/404/-', { 'accept-language': 'de' })).body).toContain('<html lang="en">');
  });

  it('"opened in another browser" is the workflow page\'s own sentence, not a second one', () => {
    for (const locale of LOCALES) {
      for (const status of [403, 409]) expect(refusalText(locale, status)).toBe(MESSAGES[locale].bound_elsewhere);
    }
  });

  it('escapes what it is given and tells each language its own words', () => {
    const html = renderPersonPage({ locale: 'en', title: '<b>&', text: '"x" <i>', role: 'status' });
    expect(html).toContain('<title>&lt;b&gt;&amp;</title>');
    expect(html).not.toContain('<i>');
    const seen = new Set<string>();
    for (const locale of LOCALES) for (const key of ['title_problem', 'try_again', 'refused_title', 'refused_other'] as const) seen.add(pageText(locale, key));
    expect(seen.size).toBe(LOCALES.length * 4);
  });
});
