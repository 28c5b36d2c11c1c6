// `idbridge dev` and the end-to-end tests: start the three test IdPs with the broker registered as
// their client (its real keys and callback URLs), then serve them as the broker's OIDC upstreams.
// Dev/test only: it loads oidc-provider (through test-idp.ts).
import { startDevOidcIdps, type DevOidcIdps, type TestIdpTuning } from './dev-idps.js';
import type { OidcUpstreams } from './from-config.js';
import type { BrokerKeys } from './keys.js';
import { OIDC_METHODS, type OidcMethod } from './profiles/index.js';

export interface DevUpstreamOptions {
  host?: string;
  ports?: Partial<Record<OidcMethod, number>>;
  methods?: readonly OidcMethod[];
  /** Tests only: per method, how its test IdP behaves. */
  idp?: Partial<Record<OidcMethod, TestIdpTuning>>;
}

export async function serveDevOidcIdps(upstreams: OidcUpstreams, brokerUrl: string, opts: DevUpstreamOptions = {}): Promise<DevOidcIdps> {
  const methods = opts.methods ?? OIDC_METHODS;
  // Dev keys live in the dev database only: 2048-bit, generated in parallel, so `dev` starts fast.
  const sets = await Promise.all(methods.map((method) => upstreams.keys(method, 2048)));
  const keys = Object.fromEntries(methods.map((method, i) => [method, sets[i]])) as Record<OidcMethod, BrokerKeys>;
  const dev = await startDevOidcIdps({
    // The broker's own callback route (src/http/oidc-routes.ts), registered as the client's redirect URI.
    callback_url: (method) => `${brokerUrl}/flow/callback/${method}`,
    keys,
    host: opts.host,
    ports: opts.ports,
    methods,
    idp: opts.idp,
  });
  for (const method of methods) {
    const profile = dev.profiles[method];
    if (profile) await upstreams.add(profile);
  }
  return dev;
}
