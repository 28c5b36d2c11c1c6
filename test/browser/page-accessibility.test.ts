// The workflow page on a phone and for people who read it with low vision or a screen reader
// (issue 2: "localised, accessible, usable on a phone"), measured in real Chromium: no sideways
// scrolling at 375 px, touch targets of 44 px, WCAG AA contrast in light and dark, every control
// named, the page's language declared, status changes in a live region, failures in the page's words.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/http/i18n.js';
import { startBroker, type TestBroker } from '../support/broker.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startMerchantSite, type MerchantSite } from '../support/merchant-site.js';

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
type Rgb = [number, number, number];

function parseColor(css: string): { rgb: Rgb; alpha: number } {
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (!m) throw new Error(`unexpected colour ${css}`);
  const [r, g, b, a] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return { rgb: [r, g, b], alpha: a === undefined ? 1 : a };
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2.x contrast ratio; a translucent foreground is first laid over the background. */
function contrast(fgCss: string, bg: Rgb): number {
  const fg = parseColor(fgCss);
  const over = fg.rgb.map((c, i) => c * fg.alpha + bg[i] * (1 - fg.alpha)) as Rgb;
  const [hi, lo] = [luminance(over), luminance(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The element's text colour and its effective background: the nearest opaque one, else the canvas. */
async function colours(page: Page, selector: string, scheme: 'light' | 'dark'): Promise<{ fg: string; bg: Rgb; outline: string; border: string }> {
  const found = await page.locator(selector).first().evaluate((el) => {
    let bg = 'rgba(0, 0, 0, 0)';
    for (let n: Element | null = el; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (!/^rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent') { bg = c; break; }
    }
    const cs = getComputedStyle(el);
    return { fg: cs.color, bg, outline: cs.outlineColor, border: cs.borderTopColor };
  });
  const bg = parseColor(found.bg);
  // Chromium's canvas when nothing paints one: white, or #121212 in the dark scheme.
  const canvas: Rgb = scheme === 'dark' ? [18, 18, 18] : [255, 255, 255];
  return { fg: found.fg, bg: bg.alpha === 0 ? canvas : bg.rgb, outline: found.outline, border: found.border };
}

describe.runIf(chromiumAvailable())('workflow page accessibility in Chromium', () => {
  let b: TestBroker;
  let shop: MerchantSite;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    shop = await startMerchantSite();
    b = await startBroker('sqlite');
    key = (await b.addCustomer({
      name: 'Handelshuset Östergötlands Cykel- och Friluftsaktiebolag',
      targets: [`${shop.origin}/done`, `${shop.origin}/error`],
      frame_origins: [shop.origin],
    })).key;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
    await shop?.close();
  });

  const create = async (extra: Record<string, unknown> = {}) =>
    (await b.api('/v1/sessions', { method: 'POST', key, json: { method: 'demo', ...extra } })).body;

  async function openDemo(ctx: BrowserContext, extra: Record<string, unknown> = {}): Promise<{ s: any; page: Page }> {
    const s = await create(extra);
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    await expect.poll(() => page.locator('#approve').isEnabled(), { timeout: 10_000 }).toBe(true);
    return { s, page };
  }

  // On a phone Chromium widens the layout viewport (innerWidth) to content that overflows, so the
  // check is against the 375 px the page was given as well as against innerWidth.
  async function expectNoSidewaysScroll(page: Page): Promise<void> {
    const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, client: document.documentElement.clientWidth }));
    expect(o).toMatchObject({ inner: PHONE.viewport.width, client: PHONE.viewport.width });
    expect(o.scroll).toBeLessThanOrEqual(o.inner);
  }

  it('runs on a phone (375×667, touch): nothing overflows sideways, touch targets are 44×44 px or more', async () => {
    const ctx = await browser.newContext(PHONE);
    const { s, page } = await openDemo(ctx, { target: `${shop.origin}/done`, relay_state: 'phone' });
    await expectNoSidewaysScroll(page);
    for (const id of ['#approve', '#cancel']) {
      const box = (await page.locator(id).boundingBox())!;
      expect(box.width, id).toBeGreaterThanOrEqual(44);
      expect(box.height, id).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, id).toBeLessThanOrEqual(375);
    }
    // each test person is chosen by tapping a whole row of at least 44 px
    const rows = page.locator('.people label');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < (await rows.count()); i++) expect((await rows.nth(i).boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await rows.nth(1).tap();
    expect(await page.getByRole('radio').nth(1).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Approve' }).tap();
    await page.waitForURL(/\/done\?/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('complete');
    expect((await b.api(`/v1/sessions/${s.id}`, { key })).body.result.identity.first_name).toBe('Nils');
    await ctx.close();
  });

  it('keeps a long text to sign and a long shop name inside a phone\'s width', async () => {
    const ctx = await browser.newContext(PHONE);
    const text = `Jag godkänner villkoren för ${'kundnummer'.repeat(12)} och ${'https://example.invalid/'.repeat(4)}\nRad två.`;
    const { page } = await openDemo(ctx, { operation: 'sign', sign: { text, format: 'plaintext' }, locale: 'sv' });
    expect(await page.locator('.sign-text').isVisible()).toBe(true);
    await expectNoSidewaysScroll(page);
    await ctx.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`meets WCAG AA contrast in the ${scheme} scheme: text, muted text, buttons, borders, focus ring`, async () => {
      const ctx = await browser.newContext();
      const { page } = await openDemo(ctx);
      await page.emulateMedia({ colorScheme: scheme });
      expect(await page.evaluate((q) => matchMedia(q).matches, `(prefers-color-scheme: ${scheme})`)).toBe(true);
      for (const sel of ['h1', '#status', '.people label span', '.customer', '.people .muted', '#approve', '#cancel', 'legend']) {
        const c = await colours(page, sel, scheme);
        expect(contrast(c.fg, c.bg), `${sel} text in ${scheme}`).toBeGreaterThanOrEqual(4.5);
      }
      // non-text contrast (WCAG 1.4.11): the secondary button's border and the keyboard focus ring
      const cancel = await colours(page, '#cancel', scheme);
      expect(contrast(cancel.border, cancel.bg), `#cancel border in ${scheme}`).toBeGreaterThanOrEqual(3);
      await page.locator('#approve').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('cancel');
      const ring = await page.locator('#cancel').evaluate((el) => ({ style: getComputedStyle(el).outlineStyle, width: parseFloat(getComputedStyle(el).outlineWidth), visible: el.matches(':focus-visible') }));
      expect(ring).toMatchObject({ style: 'solid', visible: true });
      expect(ring.width).toBeGreaterThanOrEqual(2);
      const focused = await colours(page, '#cancel', scheme);
      const pageBg = (await colours(page, 'main', scheme)).bg;
      expect(contrast(focused.outline, pageBg), `focus ring in ${scheme}`).toBeGreaterThanOrEqual(3);
      // the page for a refused link uses the same colours
      const refused = await ctx.newPage();
      await refused.emulateMedia({ colorScheme: scheme });
      expect((await refused.goto(`${b.url}/flow/unknown-token-xxxxxxxx`))!.status()).toBe(404);
      for (const sel of ['h1', '#status']) {
        const c = await colours(refused, sel, scheme);
        expect(contrast(c.fg, c.bg), `refused page ${sel} in ${scheme}`).toBeGreaterThanOrEqual(4.5);
      }
      await ctx.close();
    });
  }

  it('names every control, declares its language and announces status in a live region, in every page language', async () => {
    const ctx = await browser.newContext();
    for (const locale of ['en', 'sv', 'nb', 'da', 'fi'] as const) {
      const { page } = await openDemo(ctx, { locale });
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      for (const role of ['button', 'radio', 'link', 'textbox', 'checkbox', 'combobox'] as const) {
        expect(await page.getByRole(role, { name: /\S/ }).count(), `${role} in ${locale}`).toBe(await page.getByRole(role).count());
      }
      expect(await page.getByRole('button', { name: MESSAGES[locale].approve, exact: true }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: MESSAGES[locale].cancel, exact: true }).isVisible()).toBe(true);
      expect(await page.getByRole('group', { name: MESSAGES[locale].demo_intro }).isVisible()).toBe(true);
      const status = page.getByRole('status');
      expect(await status.count()).toBe(1);
      expect(await status.getAttribute('aria-live')).toBe('polite');
      await page.close();
    }
    await ctx.close();
  });

  it('shows a failure in the page\'s own words, not the provider\'s English message', async () => {
    const ctx = await browser.newContext();
    for (const locale of ['sv', 'fi', 'en'] as const) {
      const { s, page } = await openDemo(ctx, { locale }); // no target: the page shows its own final screen
      await page.getByRole('button', { name: MESSAGES[locale].cancel, exact: true }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toBe(MESSAGES[locale].fail_user_cancelled);
      const read = (await b.api(`/v1/sessions/${s.id}`, { key })).body;
      expect(read.error.code).toBe('user_cancelled');
      expect(await page.locator('body').innerText()).not.toContain(read.error.message);
      await page.close();
    }
    await ctx.close();
  });
});
