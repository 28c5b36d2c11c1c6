import { describe, expect, it } from 'vitest';
import { oidcSettingsFromEnv, profileFromSettings } from '../../src/providers/oidc/settings.js';

describe('OIDC settings from the environment', () => {
  it('is null when the issuer is unset', () => {
    expect(oidcSettingsFromEnv('fi-ftn', {})).toBeNull();
  });

  it('parses keys and keeps profile defaults for the rest', () => {
    const settings = oidcSettingsFromEnv('dk-mitid', {
      IDBRIDGE_DK_MITID_ISSUER: 'https://pp.netseidbroker.dk/op',
      IDBRIDGE_DK_MITID_CLIENT_ID: 'abc',
      IDBRIDGE_DK_MITID_CLIENT_SECRET: 's3cret',
      IDBRIDGE_DK_MITID_SCOPES: 'openid mitid ssn',
      IDBRIDGE_DK_MITID_REQUEST_OBJECT: 'signed_encrypted',
      IDBRIDGE_DK_MITID_ACR_MAP: '{"https://data.gov.dk/concept/core/nsis/loa/High":"high"}',
    });
    const profile = profileFromSettings('dk-mitid', settings!);
    expect(profile.config).toMatchObject({
      client_id: 'abc', request_object: 'signed_encrypted', scopes: ['openid', 'mitid', 'ssn'],
      acr_map: { 'https://data.gov.dk/concept/core/nsis/loa/High': 'high' },
      extra_params: { idp_values: 'mitid' },
    });
  });

  it('rejects bad values and a secret method without a secret', () => {
    expect(() => oidcSettingsFromEnv('no-bankid', { IDBRIDGE_NO_BANKID_ISSUER: 'x', IDBRIDGE_NO_BANKID_CLIENT_ID: 'c' })).toThrow();
    expect(() => oidcSettingsFromEnv('no-bankid', { IDBRIDGE_NO_BANKID_ISSUER: 'https://a', IDBRIDGE_NO_BANKID_CLIENT_ID: 'c', IDBRIDGE_NO_BANKID_PAR: 'sometimes' })).toThrow();
    const settings = oidcSettingsFromEnv('no-bankid', { IDBRIDGE_NO_BANKID_ISSUER: 'https://a', IDBRIDGE_NO_BANKID_CLIENT_ID: 'c' });
    expect(() => profileFromSettings('no-bankid', settings!)).toThrow(/client secret/);
  });
});
