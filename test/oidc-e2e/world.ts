// One broker (real HTTP, real database) with the three OIDC test IdPs as its upstreams, a merchant
// site on another site (localhost vs 127.0.0.1), and helpers for the person's side in Chromium.
import type { Page } from 'playwright-core';
import type { Clock } from '../../src/core/ids.js';
import type { DevOidcIdps, TestIdpTuning } from '../../src/providers/oidc/dev-idps.js';
import { serveDevOidcIdps } from '../../src/providers/oidc/dev-upstreams.js';
import { generateBrokerKeys } from '../../src/providers/oidc/keys.js';
import { OIDC_METHODS, type OidcMethod } from '../../src/providers/oidc/profiles/index.js';
import { envPrefix } from '../../src/providers/oidc/settings.js';
import { startBroker, type TestBroker } from '../support/broker.js';
import { startMerchantSite, type MerchantSite } from '../support/merchant-site.js';

export interface OidcWorld {
  b: TestBroker;
  idps: DevOidcIdps;
  shop: MerchantSite;
  key: string;
  create(method: OidcMethod, extra?: Record<string, unknown>): Promise<any>;
  read(id: string): Promise<any>;
  close(): Promise<void>;
}

/** RSA generation dominates start time: 2048-bit keys given by configuration (IDBRIDGE_<M>_KEYS). */
async function configuredKeys(): Promise<Record<string, string>> {
  const set = JSON.stringify(await generateBrokerKeys({ modulus_length: 2048 }));
  return Object.fromEntries(OIDC_METHODS.map((m) => [`${envPrefix(m)}KEYS`, set]));
}

export async function startOidcWorld(
  dialect: 'sqlite' | 'postgres' = 'sqlite', idp: Partial<Record<OidcMethod, TestIdpTuning>> = {}, opts: { clock?: Clock } = {},
): Promise<OidcWorld> {
  const shop = await startMerchantSite();
  const b = await startBroker(dialect, { env: await configuredKeys(), clock: opts.clock });
  const idps = await serveDevOidcIdps(b.broker.oidc, b.url, { host: '127.0.0.1', idp });
  const { key } = await b.addCustomer({ name: 'OIDC shop', targets: [`${shop.origin}/done`, `${shop.origin}/error`], frame_origins: [shop.origin] });
  return {
    b, idps, shop, key,
    create: async (method, extra = {}) => {
      const r = await b.api('/v1/sessions', { method: 'POST', key, json: { method, target: `${shop.origin}/done`, target_error: `${shop.origin}/error`, relay_state: 'cart-7', ...extra } });
      if (r.status !== 201) throw new Error(`create ${method}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    read: async (id) => (await b.api(`/v1/sessions/${id}`, { key })).body,
    close: async () => {
      await idps.close();
      await b.close();
      await shop.close();
    },
  };
}

/** The person at the test IdP's login page (test-idp/login-page.ts): choose, then Log in or Cancel. */
export async function atIdp(page: Page, choice: { person?: RegExp; acr?: string; action?: 'login' | 'cancel' } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  if (choice.person) await page.getByLabel(choice.person).check();
  if (choice.acr) await page.getByLabel('Level').selectOption(choice.acr);
  await page.getByRole('button', { name: choice.action === 'cancel' ? 'Cancel' : 'Log in' }).click();
}

/** On the workflow page: wait for the provider step and press its button. */
export async function continueToProvider(page: Page): Promise<void> {
  const go = page.locator('#go');
  await go.waitFor({ state: 'visible' });
  await go.click();
}
