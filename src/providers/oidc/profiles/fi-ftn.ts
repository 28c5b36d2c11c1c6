// Finnish Trust Network (Traficom Recommendation 213/2023 S, the FTN OIDC profile, as described by
// Idura and Signicat; reference/oidc-eids.md §3): private_key_jwt with kid + jti, signed request
// objects, ID token and UserInfo signed then encrypted to the RP, static JWK sets.
import { fullName, str, withDefaults, type MappedIdentity, type OidcProfile, type OidcProfileConfig } from '../profile.js';

export const FTN_LOA2 = 'http://ftn.ficora.fi/2017/loa2';
export const FTN_LOA3 = 'http://ftn.ficora.fi/2017/loa3';

export const FI_FTN_DEFAULTS: Omit<OidcProfileConfig, 'issuer' | 'client_id'> = {
  client_auth: 'private_key_jwt',
  client_assertion_aud: 'issuer',
  scopes: ['openid', 'profile'],
  default_min_level: 'substantial',
  levels: { substantial: { acr_values: `${FTN_LOA2} ${FTN_LOA3}` }, high: { acr_values: FTN_LOA3 } },
  acr_map: { [FTN_LOA2]: 'substantial', [FTN_LOA3]: 'high' },
  assurance_claims: ['acr'],
  par: 'auto',
  request_object: 'signed',
  id_token_encrypted: true,
  userinfo: true,
  userinfo_signed: true,
  userinfo_encrypted: true,
  jwe_enc_values: ['A128CBC-HS256', 'A256GCM'],
  extra_params: {},
};

function mapFiFtn(claims: Record<string, unknown>): MappedIdentity {
  // Brokers name the HETU differently: Idura `hetu`, Signicat `ftn_hetu`, OP `personal_identity_code`.
  const hetu = str(claims, 'hetu') ?? str(claims, 'ftn_hetu') ?? str(claims, 'personal_identity_code');
  return {
    // A broker's `sub` need not be persistent (the OP broker's is not, reference §6): the HETU is
    // the one identifier every FTN broker gives that stays the person's. `sub` stays in raw.claims.
    subject: hetu ?? str(claims, 'sub') ?? '',
    national_id: hetu ? { value: hetu, type: 'fi_hetu', country: 'FI' } : null,
    first_name: str(claims, 'given_name'),
    last_name: str(claims, 'family_name'),
    full_name: fullName(claims),
    date_of_birth: str(claims, 'birthdate'),
  };
}

export function fiFtnProfile(
  config: Partial<OidcProfileConfig> & Pick<OidcProfileConfig, 'issuer' | 'client_id'>,
): OidcProfile {
  return { method: 'fi-ftn', country: 'FI', config: withDefaults(FI_FTN_DEFAULTS, config), map: mapFiFtn };
}
