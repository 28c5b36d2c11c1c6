// How each test IdP behaves, per profile: the acr values it can report, the scopes -> claims it
// serves, and the client registration each real provider imposes (reference/oidc-eids.md §1-3).
import type { JWK } from 'jose';
import type { TestIdpProfile } from './people.js';

export interface TestIdpClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  /** The client's public keys (sig + enc), registered by value as FTN requires. */
  jwks?: { keys: JWK[] };
  /** Extra or overriding registration metadata (oidc-provider client schema). */
  metadata?: Record<string, unknown>;
}

export interface IdpProfileSpec {
  /** acr values the login page offers, strongest first (the default choice). */
  acr_values: string[];
  claims: Record<string, string[]>;
  require_par: boolean;
  /** Every authorization request must come as a signed request object (FTN). */
  require_signed_request_object: boolean;
  /** Token endpoint auth methods the OP accepts at all; unset: oidc-provider's defaults. */
  client_auth_methods?: string[];
  client_defaults(client: TestIdpClient): Record<string, unknown>;
}

const PROFILE_CLAIMS = ['name', 'given_name', 'family_name', 'birthdate'];

function encAlgOf(client: TestIdpClient): string {
  const enc = client.jwks?.keys.find((k) => k.use === 'enc');
  return typeof enc?.alg === 'string' ? enc.alg : 'RSA-OAEP';
}

function secretClient(client: TestIdpClient): Record<string, unknown> {
  return { token_endpoint_auth_method: client.client_secret ? 'client_secret_basic' : 'private_key_jwt' };
}

export const IDP_PROFILES: Record<TestIdpProfile, IdpProfileSpec> = {
  'no-bankid': {
    acr_values: ['urn:bankid:bid;LOA=4', 'urn:bankid:bis;LOA=3'],
    claims: {
      openid: ['sub', 'bankid_altsub'],
      profile: PROFILE_CLAIMS,
      nnin_altsub: ['nnin_altsub'],
      nnin: ['nnin'],
    },
    require_par: false,
    require_signed_request_object: false,
    client_defaults: secretClient,
  },
  'dk-mitid': {
    acr_values: [
      'https://data.gov.dk/concept/core/nsis/loa/High',
      'https://data.gov.dk/concept/core/nsis/loa/Substantial',
      'https://data.gov.dk/concept/core/nsis/loa/Low',
    ],
    claims: {
      openid: ['sub', 'loa', 'idp', 'identity_type'],
      profile: PROFILE_CLAIMS,
      mitid: ['mitid.uuid', 'mitid.date_of_birth', 'mitid.identity_name', 'mitid.has_cpr'],
      ssn: ['dk.cpr'],
    },
    require_par: false,
    require_signed_request_object: false,
    client_defaults: secretClient,
  },
  'fi-ftn': {
    acr_values: ['http://ftn.ficora.fi/2017/loa3', 'http://ftn.ficora.fi/2017/loa2'],
    claims: { openid: ['sub'], profile: [...PROFILE_CLAIMS, 'hetu', 'satu'] },
    require_par: false,
    require_signed_request_object: true,
    client_auth_methods: ['private_key_jwt'],
    // FTN profile: private_key_jwt only, signed request objects, ID token and UserInfo signed then
    // encrypted to the RP's registered enc key (Telia sample client.json, reference §3).
    client_defaults: (client) => ({
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      request_object_signing_alg: 'RS256',
      require_signed_request_object: true,
      id_token_encrypted_response_alg: encAlgOf(client),
      id_token_encrypted_response_enc: 'A128CBC-HS256',
      userinfo_signed_response_alg: 'RS256',
      userinfo_encrypted_response_alg: encAlgOf(client),
      userinfo_encrypted_response_enc: 'A128CBC-HS256',
    }),
  },
};

export function clientRegistration(profile: TestIdpProfile, client: TestIdpClient): Record<string, unknown> {
  const reg: Record<string, unknown> = {
    client_id: client.client_id,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...IDP_PROFILES[profile].client_defaults(client),
    ...client.metadata,
  };
  if (client.client_secret) reg.client_secret = client.client_secret;
  if (client.jwks) reg.jwks = client.jwks;
  return reg;
}
