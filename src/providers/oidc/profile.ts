// An OIDC upstream profile: what differs between Norwegian BankID, a MitID broker and an FTN broker
// is configuration (endpoints, client auth, request protection, response encryption, acr table)
// plus one small claim mapper. The adapter (adapter.ts) is the same for all of them.
import type { AssuranceLevel, Identity, MethodId } from '../../core/types.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** `auto`: use PAR when discovery lists a PAR endpoint; PAR is always used when the OP requires it (RFC 9126 §5). */
export type ParMode = 'never' | 'auto' | 'always';

/** `signed`: JAR (RFC 9101); `signed_encrypted`: that JWS nested in a JWE to the OP's enc key (OIDC Core §6.1, §10.2). */
export type RequestObjectMode = 'none' | 'signed' | 'signed_encrypted';

/** What to send when a level is the lowest the merchant accepts. */
export interface LevelRequest {
  acr_values?: string;
  /** Extra authorization params for this level, e.g. MitID broker `idp_params` with `loa_value`. */
  params?: Record<string, string>;
}

export interface OidcProfileConfig {
  /** Issuer URL, or the full discovery URL (anything with `/.well-known/` is used as is). */
  issuer: string;
  client_id: string;
  client_secret?: string;
  client_auth: ClientAuthMethod;
  /** private_key_jwt `aud`: the issuer (openid-client default), the token endpoint, or a literal value. */
  client_assertion_aud?: 'issuer' | 'token_endpoint' | string;
  scopes: string[];
  /** Lowest level accepted when the merchant asks for none (API.md §3 `min_assurance`). */
  default_min_level: AssuranceLevel;
  levels: Partial<Record<AssuranceLevel, LevelRequest>>;
  /** Provider value (acr / loa URI) -> normalised level. Configuration, not code (reference §6). */
  acr_map: Record<string, AssuranceLevel>;
  /** Claims looked at for the level, first present wins (MitID brokers report `loa`, others `acr`). */
  assurance_claims: string[];
  par: ParMode;
  request_object: RequestObjectMode;
  /** JWE algorithms for an encrypted request object; the OP's key comes from its jwks_uri. */
  request_object_encryption?: { alg: string; enc: string };
  /** The OP sends the ID token as JWE (signed then encrypted to our enc key); anything else fails. */
  id_token_encrypted: boolean;
  /** Fetch UserInfo after the code exchange (BankID `nnin`, FTN). */
  userinfo: boolean;
  /** UserInfo comes as a signed JWT (and, with encrypted: true, nested in a JWE). */
  userinfo_signed: boolean;
  userinfo_encrypted: boolean;
  /** Content encryption algorithms accepted in JWE responses. */
  jwe_enc_values: string[];
  /** Static extra authorization params (MitID broker `idp_values`, `idp_params`, BankID `login_hint`). */
  extra_params: Record<string, string>;
  /** http:// issuers, for local test IdPs only. */
  allow_insecure_http?: boolean;
}

/** The normalised identity fields a mapper derives from the merged ID token + UserInfo claims. */
export type MappedIdentity = Pick<
  Identity,
  'subject' | 'national_id' | 'first_name' | 'last_name' | 'full_name' | 'date_of_birth'
>;

export interface OidcProfile {
  method: Extract<MethodId, 'no-bankid' | 'dk-mitid' | 'fi-ftn'>;
  country: string;
  config: OidcProfileConfig;
  map(claims: Record<string, unknown>): MappedIdentity;
}

const RANK: Record<AssuranceLevel, number> = { low: 0, substantial: 1, high: 2 };

export function levelAtLeast(level: AssuranceLevel, min: AssuranceLevel): boolean {
  return RANK[level] >= RANK[min];
}

/** The level a token proves, or null when no configured claim value is in the table. */
export function assuranceOf(
  config: OidcProfileConfig,
  claims: Record<string, unknown>,
): { level: AssuranceLevel; raw: string } | null {
  for (const name of config.assurance_claims) {
    const value = claims[name];
    if (typeof value !== 'string') continue;
    const level = config.acr_map[value];
    return level ? { level, raw: value } : null;
  }
  return null;
}

export function str(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function fullName(claims: Record<string, unknown>): string | null {
  const name = str(claims, 'name');
  if (name) return name;
  const parts = [str(claims, 'given_name'), str(claims, 'family_name')].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

/** Profile defaults overlaid with the operator's settings; an undefined setting keeps the default. */
export function withDefaults(
  defaults: Omit<OidcProfileConfig, 'issuer' | 'client_id'>,
  config: Partial<OidcProfileConfig> & Pick<OidcProfileConfig, 'issuer' | 'client_id'>,
): OidcProfileConfig {
  const set = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as OidcProfileConfig;
}
