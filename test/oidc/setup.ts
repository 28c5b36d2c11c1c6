// Shared wiring for the OIDC tests: broker keys, a test IdP with the broker registered as a client,
// and the adapter pointed at it over http on 127.0.0.1.
import type { StartContext } from '../../src/providers/contract.js';
import { createOidcProvider } from '../../src/providers/oidc/adapter.js';
import { generateBrokerKeys, loadBrokerKeys, publicJwks, type BrokerKeys } from '../../src/providers/oidc/keys.js';
import type { OidcProfileConfig } from '../../src/providers/oidc/profile.js';
import { oidcProfile, type OidcMethod } from '../../src/providers/oidc/profiles/index.js';
import type { TestIdpTuning } from '../../src/providers/oidc/dev-idps.js';
import { startTestIdp, type TestIdp, type TestIdpClient } from '../../src/providers/oidc/test-idp.js';
import type { Clock } from '../../src/core/ids.js';

export const CALLBACK = 'http://127.0.0.1:9/v1/oidc/callback';

export async function brokerKeys(): Promise<BrokerKeys> {
  return loadBrokerKeys(await generateBrokerKeys({ modulus_length: 2048 }));
}

/** RSA generation dominates test time; one key set per test file is enough unless a test needs two. */
let shared: Promise<BrokerKeys> | undefined;
export function sharedBrokerKeys(): Promise<BrokerKeys> {
  shared ??= brokerKeys();
  return shared;
}

export interface Harness {
  idp: TestIdp;
  keys: BrokerKeys;
  provider: ReturnType<typeof createOidcProvider>;
}

export async function harness(
  method: OidcMethod,
  opts: {
    config?: Partial<OidcProfileConfig>;
    client?: Partial<TestIdpClient>;
    keys?: BrokerKeys;
    registeredKeys?: BrokerKeys;
    idp?: TestIdpTuning;
    clock?: Clock;
  } = {},
): Promise<Harness> {
  const keys = opts.keys ?? (await sharedBrokerKeys());
  const secret = method === 'fi-ftn' ? undefined : 'test-secret-0123456789abcdef';
  const idp = await startTestIdp({
    ...opts.idp,
    profile: method,
    host: '127.0.0.1',
    port: 0,
    clients: [{
      client_id: 'idbridge',
      client_secret: secret,
      redirect_uris: [CALLBACK],
      jwks: publicJwks(opts.registeredKeys ?? keys),
      ...opts.client,
    }],
  });
  const profile = oidcProfile(method, {
    issuer: idp.issuer,
    client_id: 'idbridge',
    client_secret: secret,
    allow_insecure_http: true,
    ...opts.config,
  });
  return { idp, keys, provider: createOidcProvider({ profile, keys, clock: opts.clock }) };
}

export function startContext(min_assurance: 'substantial' | 'high' | null = null): StartContext {
  return {
    session_id: 'ses_test',
    operation: 'authenticate',
    flow: 'browser',
    options: {
      target: null, target_error: null, locale: 'en', sign: null, device: 'auto',
      min_assurance, return_url: null, frame_origin: null, phone: null,
    },
    locale: 'en',
    personal_number: null,
    end_user_ip: '127.0.0.1',
    user_agent: null,
    callback_url: CALLBACK,
    now: new Date(),
  };
}

export const progressContext = { session_id: 'ses_test', locale: 'en' as const, now: new Date(), end_user_ip: null };
