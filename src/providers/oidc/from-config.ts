// Composition helper: the OIDC upstreams a broker serves, with the broker's keys for each. Keys come
// from configuration (IDBRIDGE_<M>_KEYS, a private JWK set) or from the database, generated on first
// use (DESIGN.md "Scale": FTN registers them statically, so every node and restart must agree).
// Storage stays behind the BrokerKeyStore port: a provider never touches the database itself.
import type { JWK } from 'jose';
import { systemClock, type Clock } from '../../core/ids.js';
import type { Provider } from '../contract.js';
import { createOidcProvider } from './adapter.js';
import type { FetchLike } from './client-config.js';
import { generateBrokerKeys, loadBrokerKeys, publicJwks, type BrokerKeys, type PrivateJwks } from './keys.js';
import type { OidcProfile } from './profile.js';
import { OIDC_METHODS, type OidcMethod } from './profiles/index.js';
import { envPrefix, KEYS_SUFFIX, oidcSettingsFromEnv, profileFromSettings } from './settings.js';

export interface BrokerKeyStore {
  ensureBrokerKeys<T extends { keys: Record<string, unknown>[] }>(method: string, generate: () => Promise<T>, now: Date): Promise<T>;
}

export interface OidcUpstreamOptions {
  fetch?: FetchLike;
  clock?: Clock;
}

export class OidcUpstreams {
  private readonly keySets = new Map<OidcMethod, Promise<BrokerKeys>>();

  constructor(
    private readonly keyStore: BrokerKeyStore,
    private readonly env: Record<string, string | undefined>,
    private readonly register: (provider: Provider) => void,
    private readonly options: OidcUpstreamOptions = {},
  ) {}

  /**
   * The broker's keys toward `method`: configured, stored, or generated once and stored. `bits`
   * only matters for a first generation (`idbridge dev` uses 2048 to start fast; default 3072).
   */
  keys(method: OidcMethod, bits?: number): Promise<BrokerKeys> {
    let pending = this.keySets.get(method);
    if (!pending) {
      pending = this.loadKeys(method, bits);
      pending.catch(() => this.keySets.delete(method));
      this.keySets.set(method, pending);
    }
    return pending;
  }

  /** Serves `profile` with the broker's keys for its method (compose, `idbridge dev`, tests). */
  async add(profile: OidcProfile, options: OidcUpstreamOptions = {}): Promise<Provider> {
    const keys = await this.keys(profile.method);
    const provider = createOidcProvider({ profile, keys, ...this.options, ...options });
    this.register(provider);
    return provider;
  }

  /**
   * `GET /.well-known/jwks.json`: the public keys of every upstream whose keys are loaded; with a
   * method, only that upstream's (an OP choosing "the" enc key from a mixed set could pick another
   * upstream's, which this upstream's adapter cannot decrypt with). Null for a method not served.
   */
  async jwks(method?: OidcMethod): Promise<{ keys: JWK[] } | null> {
    if (method && !this.keySets.has(method)) return null;
    const loading = method ? [this.keySets.get(method)!] : [...this.keySets.values()];
    const sets = await Promise.all(loading.map((p) => p.catch(() => null)));
    return publicJwks(...sets.filter((s): s is BrokerKeys => s !== null));
  }

  private async loadKeys(method: OidcMethod, bits?: number): Promise<BrokerKeys> {
    const configured = this.env[`${envPrefix(method)}${KEYS_SUFFIX}`];
    if (configured) return loadBrokerKeys(JSON.parse(configured) as PrivateJwks);
    const now = (this.options.clock ?? systemClock).now();
    return loadBrokerKeys(await this.keyStore.ensureBrokerKeys(method, () => generateBrokerKeys({ modulus_length: bits }), now));
  }
}

/** Every method whose IDBRIDGE_<M>_ISSUER is set becomes a provider; bad settings throw at start. */
export async function oidcUpstreamsFromConfig(
  env: Record<string, string | undefined>,
  keyStore: BrokerKeyStore,
  register: (provider: Provider) => void,
  options: OidcUpstreamOptions = {},
): Promise<OidcUpstreams> {
  const upstreams = new OidcUpstreams(keyStore, env, register, options);
  for (const method of OIDC_METHODS) {
    const settings = oidcSettingsFromEnv(method, env);
    if (settings) await upstreams.add(profileFromSettings(method, settings));
  }
  return upstreams;
}
