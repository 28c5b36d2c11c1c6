// The person's side of dev's OIDC test identity providers, driven by what their login page shows
// (a radio per test person, a "Level" select, buttons "Log in" and "Cancel"), and a way to hold the
// provider's redirect back to the broker so a test can replay, forge or move the callback URL.
import type { Page } from 'playwright-core';

export interface IdpChoice {
  person?: RegExp;
  acr?: string;
  action?: 'login' | 'cancel';
}

/** On the IdP's login page: pick the person and level, press "Log in" (or "Cancel"). */
export async function logInAtIdp(page: Page, choice: IdpChoice = {}): Promise<void> {
  await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 15_000 });
  if (choice.person) await page.getByLabel(choice.person).check();
  if (choice.acr) await page.getByLabel('Level').selectOption(choice.acr);
  await page.getByRole('button', { name: choice.action === 'cancel' ? 'Cancel' : 'Log in' }).click();
}

/**
 * Logs in at the IdP, but the browser never reaches the broker: the login's redirects are followed
 * by the context's own HTTP client (same cookies) up to the broker's callback, whose URL is
 * returned unused. The page is left on a placeholder.
 */
export async function holdCallback(page: Page, brokerOrigin: string, choice: IdpChoice = {}): Promise<string> {
  let release!: (url: string) => void;
  let fail!: (err: Error) => void;
  const held = new Promise<string>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  await page.route('**/interaction/*/login', async (route) => {
    try {
      let res = await route.fetch({ maxRedirects: 0 });
      let next = new URL(res.headers().location, route.request().url());
      for (let hops = 0; next.origin !== brokerOrigin; hops++) {
        if (hops > 10) throw new Error(`no way back to ${brokerOrigin}: ${next.href}`);
        res = await page.context().request.get(next.href, { maxRedirects: 0 });
        next = new URL(res.headers().location, next);
      }
      release(next.href);
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'held' });
    } catch (err) {
      fail(err as Error);
      await route.abort().catch(() => undefined);
    }
  });
  await logInAtIdp(page, choice);
  const url = await held;
  await page.unroute('**/interaction/*/login');
  return url;
}
