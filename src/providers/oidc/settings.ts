// Operator settings for one OIDC upstream, validated with zod, and the environment keys that carry
// them (IDBRIDGE_<METHOD>_<KEY>, e.g. IDBRIDGE_FI_FTN_CLIENT_ID). Unset keys keep the profile's
// defaults (profiles/*.ts). The config module can fold OIDC_ENV_KEYS into its reference doc.
import { z } from 'zod';
import type { OidcProfile } from './profile.js';
import { oidcProfile, type OidcMethod } from './profiles/index.js';

const level = z.enum(['low', 'substantial', 'high']);
const stringMap = z.record(z.string(), z.string());

export const oidcUpstreamSettings = z
  .object({
    issuer: z.url(),
    client_id: z.string().min(1),
    client_secret: z.string().min(1).optional(),
    client_auth: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional(),
    client_assertion_aud: z.string().min(1).optional(),
    scopes: z.array(z.string().min(1)).min(1).optional(),
    default_min_level: level.optional(),
    levels: z.record(level, z.object({ acr_values: z.string().optional(), params: stringMap.optional() })).optional(),
    acr_map: z.record(z.string(), level).optional(),
    assurance_claims: z.array(z.string()).min(1).optional(),
    par: z.enum(['never', 'auto', 'always']).optional(),
    request_object: z.enum(['none', 'signed', 'signed_encrypted']).optional(),
    request_object_encryption: z.object({ alg: z.string(), enc: z.string() }).optional(),
    id_token_encrypted: z.boolean().optional(),
    userinfo: z.boolean().optional(),
    userinfo_signed: z.boolean().optional(),
    userinfo_encrypted: z.boolean().optional(),
    jwe_enc_values: z.array(z.string()).min(1).optional(),
    extra_params: stringMap.optional(),
    allow_insecure_http: z.boolean().optional(),
  })
  .strict();

export type OidcUpstreamSettings = z.infer<typeof oidcUpstreamSettings>;

type Parse = (value: string) => unknown;
const text: Parse = (v) => v;
const words: Parse = (v) => v.split(/[\s,]+/).filter(Boolean);
const bool: Parse = (v) => v === '1' || v === 'true';
const json: Parse = (v) => JSON.parse(v);

/** Environment suffix -> setting, with the description for the configuration reference. */
export const OIDC_ENV_KEYS: ReadonlyArray<{ suffix: string; field: keyof OidcUpstreamSettings; parse: Parse; description: string }> = [
  { suffix: 'ISSUER', field: 'issuer', parse: text, description: 'Issuer URL or full discovery URL of the upstream OP; unset = method not configured.' },
  { suffix: 'CLIENT_ID', field: 'client_id', parse: text, description: 'Client id registered at the upstream.' },
  { suffix: 'CLIENT_SECRET', field: 'client_secret', parse: text, description: 'Client secret (client_secret_basic/_post only).' },
  { suffix: 'CLIENT_AUTH', field: 'client_auth', parse: text, description: 'client_secret_basic | client_secret_post | private_key_jwt.' },
  { suffix: 'ASSERTION_AUD', field: 'client_assertion_aud', parse: text, description: 'private_key_jwt aud: issuer (default), token_endpoint, or a literal value.' },
  { suffix: 'SCOPES', field: 'scopes', parse: words, description: 'Scopes asked, space separated (e.g. "openid profile nnin_altsub").' },
  { suffix: 'MIN_LEVEL', field: 'default_min_level', parse: text, description: 'Lowest level accepted when a session asks for none: low | substantial | high.' },
  { suffix: 'LEVELS', field: 'levels', parse: json, description: 'JSON {level: {acr_values?, params?}}: what to send when that level is the minimum.' },
  { suffix: 'ACR_MAP', field: 'acr_map', parse: json, description: 'JSON {provider acr/loa value: low|substantial|high}; values not listed fail as assurance_too_low.' },
  { suffix: 'ASSURANCE_CLAIMS', field: 'assurance_claims', parse: words, description: 'Claims read for the level, first present wins (e.g. "loa acr").' },
  { suffix: 'PAR', field: 'par', parse: text, description: 'never | auto (when the OP offers it) | always; the OP requiring PAR always wins.' },
  { suffix: 'REQUEST_OBJECT', field: 'request_object', parse: text, description: 'none | signed | signed_encrypted (JAR, optionally in a JWE to the OP enc key).' },
  { suffix: 'REQUEST_OBJECT_ENCRYPTION', field: 'request_object_encryption', parse: json, description: 'JSON {alg, enc} for an encrypted request object (default RSA-OAEP / A128CBC-HS256).' },
  { suffix: 'ID_TOKEN_ENCRYPTED', field: 'id_token_encrypted', parse: bool, description: 'Require the ID token as JWE to our enc key (FTN: true).' },
  { suffix: 'USERINFO', field: 'userinfo', parse: bool, description: 'Fetch UserInfo after the code exchange.' },
  { suffix: 'USERINFO_SIGNED', field: 'userinfo_signed', parse: bool, description: 'UserInfo comes as a signed JWT.' },
  { suffix: 'USERINFO_ENCRYPTED', field: 'userinfo_encrypted', parse: bool, description: 'Require UserInfo as JWE to our enc key (FTN: true).' },
  { suffix: 'JWE_ENC', field: 'jwe_enc_values', parse: words, description: 'Accepted JWE content encryption algorithms (default "A128CBC-HS256 A256GCM").' },
  { suffix: 'EXTRA_PARAMS', field: 'extra_params', parse: json, description: 'JSON of extra authorization params (MitID broker idp_values / idp_params, login_hint).' },
];

/** Environment suffix of the optional private JWK set (JSON) that replaces the stored keys. */
export const KEYS_SUFFIX = 'KEYS';
export const KEYS_DESCRIPTION =
  'Private JWK set (JSON `{"keys": [sig, enc]}`, each with `use`, `alg`, `kid`) the broker uses toward this upstream; unset = generated on first start and kept sealed in the database.';

export function envPrefix(method: OidcMethod): string {
  return `IDBRIDGE_${method.toUpperCase().replace(/-/g, '_')}_`;
}

/** Settings from the environment, or null when the method's ISSUER is unset. Throws on bad values. */
export function oidcSettingsFromEnv(method: OidcMethod, env: NodeJS.ProcessEnv): OidcUpstreamSettings | null {
  const prefix = envPrefix(method);
  if (!env[`${prefix}ISSUER`]) return null;
  const raw: Record<string, unknown> = {};
  for (const key of OIDC_ENV_KEYS) {
    const value = env[`${prefix}${key.suffix}`];
    if (value !== undefined && value !== '') raw[key.field] = key.parse(value);
  }
  return oidcUpstreamSettings.parse(raw);
}

export function profileFromSettings(method: OidcMethod, settings: OidcUpstreamSettings): OidcProfile {
  const profile = oidcProfile(method, settings);
  const secretAuth = profile.config.client_auth !== 'private_key_jwt';
  if (secretAuth && !profile.config.client_secret) throw new Error(`${method}: ${profile.config.client_auth} needs a client secret`);
  return profile;
}
