// Claim mappers and the acr table, without the network.
import { describe, expect, it } from 'vitest';
import { assuranceOf, levelAtLeast } from '../../src/providers/oidc/profile.js';
import { dkMitidProfile, fiFtnProfile, noBankidProfile } from '../../src/providers/oidc/profiles/index.js';

const base = { issuer: 'https://op.example', client_id: 'c' };

describe('no-bankid mapper', () => {
  const p = noBankidProfile(base);
  it('prefers bankid_altsub over sub, falls back to UserInfo nnin', () => {
    expect(p.map({ sub: 'unstable', bankid_altsub: '9578-1', nnin: '01017012345' })).toMatchObject({
      subject: '9578-1', national_id: { value: '01017012345', type: 'no_fodselsnummer', country: 'NO' },
    });
  });
  it('first digit 4..7 is a D-number; no number -> null', () => {
    expect(p.map({ sub: 's', nnin_altsub: '71017012345' }).national_id?.type).toBe('no_d_number');
    expect(p.map({ sub: 's' }).national_id).toBeNull();
  });
});

describe('dk-mitid and fi-ftn mappers', () => {
  it('dk: mitid.uuid subject, dk.cpr, mitid.date_of_birth', () => {
    expect(dkMitidProfile(base).map({ sub: 's', 'mitid.uuid': 'u', 'dk.cpr': '0101701234', 'mitid.date_of_birth': '1970-01-01' }))
      .toMatchObject({ subject: 'u', national_id: { type: 'dk_cpr', value: '0101701234' }, date_of_birth: '1970-01-01' });
  });
  it('fi: hetu or the other brokers\' names for it', () => {
    const p = fiFtnProfile(base);
    expect(p.map({ sub: 's', hetu: '070770-905D' }).national_id).toMatchObject({ type: 'fi_hetu', country: 'FI' });
    expect(p.map({ sub: 's', ftn_hetu: '070770-905D' }).national_id?.value).toBe('070770-905D');
    expect(p.map({ sub: 's', given_name: 'A', family_name: 'B' }).full_name).toBe('A B');
  });
  it('fi: the subject is the HETU (a broker sub need not persist), else sub', () => {
    const p = fiFtnProfile(base);
    expect(p.map({ sub: 'per-login-1', hetu: '070770-905D' }).subject).toBe('070770-905D');
    expect(p.map({ sub: 'per-login-2', personal_identity_code: '070770-905D' }).subject).toBe('070770-905D');
    expect(p.map({ sub: 'broker-sub' }).subject).toBe('broker-sub');
  });
});

describe('assurance table', () => {
  it('is configuration: an operator may remap or add values', () => {
    const p = noBankidProfile({ ...base, acr_map: { 'urn:bankid:bis;LOA=3': 'high' } });
    expect(assuranceOf(p.config, { acr: 'urn:bankid:bis;LOA=3' })).toEqual({ level: 'high', raw: 'urn:bankid:bis;LOA=3' });
  });
  it('an unknown value proves nothing; the first configured claim present wins', () => {
    const dk = dkMitidProfile(base);
    expect(assuranceOf(dk.config, { acr: 'urn:other' })).toBeNull();
    expect(assuranceOf(dk.config, { loa: 'https://data.gov.dk/concept/core/nsis/loa/High', acr: 'x' })?.level).toBe('high');
  });
  it('orders low < substantial < high', () => {
    expect(levelAtLeast('high', 'substantial')).toBe(true);
    expect(levelAtLeast('substantial', 'high')).toBe(false);
    expect(levelAtLeast('low', 'low')).toBe(true);
  });
});
