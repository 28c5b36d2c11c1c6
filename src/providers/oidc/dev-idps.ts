// `idbridge dev` wiring: one test IdP per OIDC method with the broker registered as its client, and
// the matching profiles pointed at them. Imports only test-idp.ts, which loads oidc-provider lazily.
import { randomToken } from '../../core/ids.js';
import { publicJwks, type BrokerKeys } from './keys.js';
import type { OidcProfile } from './profile.js';
import { OIDC_METHODS, oidcProfile, type OidcMethod } from './profiles/index.js';
import { startTestIdp, type TestIdp, type TestIdpOptions } from './test-idp.js';

/** Test IdP behaviour the tests vary (a short PAR lifetime, PAR required). */
export type TestIdpTuning = Pick<TestIdpOptions, 'par_ttl_s' | 'require_par'>;

export interface DevOidcOptions {
  /** Where each test IdP sends the browser back; no query string (openid-client strips it). */
  callback_url: string | ((method: OidcMethod) => string);
  /** The broker's keys per method (the same set may serve all three). */
  keys: BrokerKeys | Record<OidcMethod, BrokerKeys>;
  host?: string;
  ports?: Partial<Record<OidcMethod, number>>;
  methods?: readonly OidcMethod[];
  /** Tests only: per method, how its test IdP behaves. */
  idp?: Partial<Record<OidcMethod, TestIdpTuning>>;
}

export interface DevOidcIdps {
  idps: Partial<Record<OidcMethod, TestIdp>>;
  profiles: Partial<Record<OidcMethod, OidcProfile>>;
  close(): Promise<void>;
}

function keysFor(keys: DevOidcOptions['keys'], method: OidcMethod): BrokerKeys {
  return 'sig' in keys ? (keys as BrokerKeys) : (keys as Record<OidcMethod, BrokerKeys>)[method];
}

async function startOne(method: OidcMethod, opts: DevOidcOptions) {
  const keys = keysFor(opts.keys, method);
  const redirect = typeof opts.callback_url === 'function' ? opts.callback_url(method) : opts.callback_url;
  // FTN clients authenticate only with private_key_jwt; the others get a throwaway secret.
  const secret = method === 'fi-ftn' ? undefined : randomToken(24);
  const idp = await startTestIdp({
    ...opts.idp?.[method],
    profile: method,
    host: opts.host ?? '127.0.0.1',
    port: opts.ports?.[method] ?? 0,
    clients: [{ client_id: 'idbridge-dev', client_secret: secret, redirect_uris: [redirect], jwks: publicJwks(keys) }],
  });
  const profile = oidcProfile(method, {
    issuer: idp.issuer,
    client_id: 'idbridge-dev',
    client_secret: secret,
    allow_insecure_http: true,
  });
  return { idp, profile };
}

export async function startDevOidcIdps(opts: DevOidcOptions): Promise<DevOidcIdps> {
  const result: DevOidcIdps = { idps: {}, profiles: {}, close: async () => {} };
  for (const method of opts.methods ?? OIDC_METHODS) {
    const { idp, profile } = await startOne(method, opts);
    result.idps[method] = idp;
    result.profiles[method] = profile;
  }
  result.close = async () => {
    await Promise.all(Object.values(result.idps).map((idp) => idp.close()));
  };
  return result;
}
