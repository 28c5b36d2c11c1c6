// `idbridge dev` wiring: three test IdPs and their profiles, one key set, each flow completes.
import { afterAll, expect, it } from 'vitest';
import { createOidcProvider } from '../../src/providers/oidc/adapter.js';
import { startDevOidcIdps, type DevOidcIdps } from '../../src/providers/oidc/dev-idps.js';
import { OIDC_METHODS } from '../../src/providers/oidc/profiles/index.js';
import { personAtIdp } from './browser.js';
import { brokerKeys, progressContext, startContext } from './setup.js';

let dev: DevOidcIdps | undefined;
afterAll(() => dev?.close());

it('starts one IdP per method; each completes with its national id type', async () => {
  const keys = await brokerKeys();
  const callback = (m: string) => `http://127.0.0.1:9/v1/oidc/${m}/callback`;
  dev = await startDevOidcIdps({ callback_url: callback, keys });
  const types = { 'no-bankid': 'no_fodselsnummer', 'dk-mitid': 'dk_cpr', 'fi-ftn': 'fi_hetu' };
  for (const method of OIDC_METHODS) {
    const provider = createOidcProvider({ profile: dev.profiles[method]!, keys });
    const ctx = { ...startContext(), callback_url: callback(method) };
    const started = await provider.start(ctx);
    if (started.kind !== 'pending') throw new Error(JSON.stringify(started));
    const params = await personAtIdp(String(started.state.authorize_url), ctx.callback_url);
    const done = await provider.callback!(started.state, params, progressContext);
    expect(done).toMatchObject({ kind: 'complete', identity: { provider: method, national_id: { type: types[method] } } });
  }
});
