// Public surface of the OIDC upstream adapter for compose.ts. The test IdPs (test-idp.ts,
// dev-idps.ts) are imported separately, by `idbridge dev` and the tests only.
export { createOidcProvider, type OidcProviderOptions } from './adapter.js';
export { callbackKey } from './authorize.js';
export type { FetchLike } from './client-config.js';
export {
  generateBrokerKeys,
  loadBrokerKeys,
  publicJwks,
  type BrokerKeys,
  type EncAlg,
  type PrivateJwks,
  type SigAlg,
} from './keys.js';
export type { ClientAuthMethod, OidcProfile, OidcProfileConfig, ParMode, RequestObjectMode } from './profile.js';
export { OIDC_METHODS, oidcProfile, type OidcMethod } from './profiles/index.js';
export {
  envPrefix,
  OIDC_ENV_KEYS,
  oidcSettingsFromEnv,
  oidcUpstreamSettings,
  profileFromSettings,
  type OidcUpstreamSettings,
} from './settings.js';
