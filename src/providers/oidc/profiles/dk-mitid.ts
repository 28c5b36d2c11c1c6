// Danish MitID through a broker (reference/oidc-eids.md §2; Signaturgruppen broker docs): the broker
// picks the IdP by `idp_values`, takes the level in `idp_params.mitid.loa_value`, reports NSIS
// levels in `loa`, and gives the CPR as `dk.cpr` (scope `ssn`) when it has one.
import type { AssuranceLevel } from '../../../core/types.js';
import { fullName, str, withDefaults, type MappedIdentity, type OidcProfile, type OidcProfileConfig } from '../profile.js';

export const NSIS = 'https://data.gov.dk/concept/core/nsis/loa/';

function loaParams(level: string): Record<string, string> {
  return { idp_params: JSON.stringify({ mitid: { loa_value: `${NSIS}${level}` } }) };
}

const NSIS_MAP: Record<string, AssuranceLevel> = {
  [`${NSIS}Low`]: 'low',
  [`${NSIS}Substantial`]: 'substantial',
  [`${NSIS}High`]: 'high',
  // Older broker docs write the URIs without the `loa/` segment.
  'https://data.gov.dk/concept/core/nsis/Low': 'low',
  'https://data.gov.dk/concept/core/nsis/Substantial': 'substantial',
  'https://data.gov.dk/concept/core/nsis/High': 'high',
};

export const DK_MITID_DEFAULTS: Omit<OidcProfileConfig, 'issuer' | 'client_id'> = {
  client_auth: 'client_secret_basic',
  scopes: ['openid', 'mitid', 'ssn'],
  default_min_level: 'substantial',
  levels: { substantial: { params: loaParams('Substantial') }, high: { params: loaParams('High') } },
  acr_map: NSIS_MAP,
  assurance_claims: ['loa', 'acr'],
  par: 'auto',
  request_object: 'none',
  request_object_encryption: { alg: 'RSA-OAEP', enc: 'A128CBC-HS256' },
  id_token_encrypted: false,
  userinfo: false,
  userinfo_signed: false,
  userinfo_encrypted: false,
  jwe_enc_values: ['A128CBC-HS256', 'A256GCM'],
  extra_params: { idp_values: 'mitid' },
};

function mapDkMitid(claims: Record<string, unknown>): MappedIdentity {
  const cpr = str(claims, 'dk.cpr');
  return {
    subject: str(claims, 'mitid.uuid') ?? str(claims, 'sub') ?? '',
    // Private service providers get a CPR only after the person's CPR match: it may be absent.
    national_id: cpr ? { value: cpr, type: 'dk_cpr', country: 'DK' } : null,
    first_name: str(claims, 'given_name'),
    last_name: str(claims, 'family_name'),
    full_name: fullName(claims) ?? str(claims, 'mitid.identity_name'),
    date_of_birth: str(claims, 'mitid.date_of_birth') ?? str(claims, 'birthdate'),
  };
}

export function dkMitidProfile(
  config: Partial<OidcProfileConfig> & Pick<OidcProfileConfig, 'issuer' | 'client_id'>,
): OidcProfile {
  return { method: 'dk-mitid', country: 'DK', config: withDefaults(DK_MITID_DEFAULTS, config), map: mapDkMitid };
}
