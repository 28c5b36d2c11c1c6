// The OIDC adapter through the provider contract suite, once per profile, each against its own
// oidc-provider test IdP on 127.0.0.1 (test/oidc/setup.ts). The person is the HTTP-level browser of
// test/oidc/browser.ts: it opens the URL the page shows, logs in as the first test person or
// presses Cancel, and brings the callback's query back.
import type { ProviderState } from '../../src/providers/contract.js';
import type { OidcMethod } from '../../src/providers/oidc/profiles/index.js';
import { personAtIdp } from '../oidc/browser.js';
import { CALLBACK, harness, progressContext } from '../oidc/setup.js';
import { providerContract } from './contract-suite.js';

const PROFILES: { method: OidcMethod; country: string }[] = [
  { method: 'no-bankid', country: 'NO' },
  { method: 'dk-mitid', country: 'DK' },
  { method: 'fi-ftn', country: 'FI' },
];

for (const { method, country } of PROFILES) {
  providerContract({
    name: method,
    method,
    country,
    // API.md §3: sign and headless with an OIDC method are refused.
    operations: ['authenticate'],
    flows: ['browser'],
    refusesUndeclaredAtStart: true,
    // A pushed request serves one trip (RFC 9126): a second trip gets a fresh one (contract.ts reauthorize).
    renewsStepOnClick: true,
    // The authorize URL is what the page opens; the redirect URI is the broker's own public URL.
    publicStateKeys: ['authorize_url', 'redirect_uri', 'min_level'],
    // The IdP knows only this redirect URI.
    context: () => ({ callback_url: CALLBACK }),
    async setup() {
      const h = await harness(method);
      // The person reaches the IdP by what the page shows (view), not by reading the sealed state.
      async function atIdp(state: ProviderState, action: 'login' | 'cancel') {
        const url = h.provider.view!(state, progressContext).redirect_url;
        if (typeof url !== 'string') throw new Error(`the view offers no redirect_url: ${JSON.stringify(url)}`);
        return { params: await personAtIdp(url, CALLBACK, { action }) };
      }
      return {
        provider: h.provider,
        person: { approve: (state) => atIdp(state, 'login'), cancel: (state) => atIdp(state, 'cancel') },
        close: () => h.idp.close(),
      };
    },
  });
}
