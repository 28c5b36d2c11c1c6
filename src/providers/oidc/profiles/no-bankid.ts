// Norwegian BankID OIDC (reference/oidc-eids.md §1; developer.bankid.no): code flow + PKCE, client
// secret by default (private_key_jwt on request), acr `urn:bankid:bid;LOA=4` (high) and
// `urn:bankid:bis;LOA=3` (substantial, BankID with biometrics).
import type { NationalIdType } from '../../../core/types.js';
import { fullName, str, withDefaults, type MappedIdentity, type OidcProfile, type OidcProfileConfig } from '../profile.js';

export const NO_BANKID_DEFAULTS: Omit<OidcProfileConfig, 'issuer' | 'client_id'> = {
  client_auth: 'client_secret_basic',
  // nnin_altsub puts the fødselsnummer in the ID token without a consent screen (eligible clients).
  scopes: ['openid', 'profile', 'nnin_altsub'],
  default_min_level: 'substantial',
  levels: {
    substantial: { acr_values: 'urn:bankid:bid' },
    high: { acr_values: 'urn:bankid:bid' },
  },
  acr_map: { 'urn:bankid:bid;LOA=4': 'high', 'urn:bankid:bis;LOA=3': 'substantial' },
  assurance_claims: ['acr'],
  par: 'auto',
  request_object: 'none',
  id_token_encrypted: false,
  userinfo: false,
  userinfo_signed: false,
  userinfo_encrypted: false,
  jwe_enc_values: ['A128CBC-HS256', 'A256GCM'],
  extra_params: {},
};

/** A fødselsnummer whose first digit is 4 or more is a D-number (day + 40). */
export function norwegianIdType(value: string): NationalIdType {
  return Number(value[0]) >= 4 ? 'no_d_number' : 'no_fodselsnummer';
}

function mapNoBankid(claims: Record<string, unknown>): MappedIdentity {
  // `sub` is documented as unstable; bankid_altsub (BankID PID) is the stable key.
  const subject = str(claims, 'bankid_altsub') ?? str(claims, 'sub') ?? '';
  const nnin = str(claims, 'nnin_altsub') ?? str(claims, 'nnin');
  return {
    subject,
    national_id: nnin ? { value: nnin, type: norwegianIdType(nnin), country: 'NO' } : null,
    first_name: str(claims, 'given_name'),
    last_name: str(claims, 'family_name'),
    full_name: fullName(claims),
    date_of_birth: str(claims, 'birthdate'),
  };
}

export function noBankidProfile(
  config: Partial<OidcProfileConfig> & Pick<OidcProfileConfig, 'issuer' | 'client_id'>,
): OidcProfile {
  return { method: 'no-bankid', country: 'NO', config: withDefaults(NO_BANKID_DEFAULTS, config), map: mapNoBankid };
}
