// Test people of the OIDC test IdPs. All numbers are synthetic; the claim names are the ones each
// real provider uses (reference/oidc-eids.md §1-3), so the profile mappers see the real shape.
export type TestIdpProfile = 'no-bankid' | 'dk-mitid' | 'fi-ftn';

export interface TestPerson {
  /** accountId at the test IdP, and the `sub`. */
  id: string;
  label: string;
  claims: Record<string, unknown>;
}

const NO_PEOPLE: TestPerson[] = [
  {
    id: 'no-kari',
    label: 'Kari Nordmann (fødselsnummer)',
    claims: {
      bankid_altsub: '9578-5999-4-1765512',
      nnin_altsub: '01017012345',
      nnin: '01017012345', // scope nnin, through UserInfo only
      name: 'Kari Nordmann', given_name: 'Kari', family_name: 'Nordmann', birthdate: '1970-01-01',
    },
  },
  {
    id: 'no-ola',
    label: 'Ola Nordmann (D-number)',
    claims: {
      bankid_altsub: '9578-6000-4-351726',
      nnin_altsub: '41018512345',
      nnin: '41018512345',
      name: 'Ola Nordmann', given_name: 'Ola', family_name: 'Nordmann', birthdate: '1985-01-01',
    },
  },
];

const DK_PEOPLE: TestPerson[] = [
  {
    id: 'dk-abelone',
    label: 'Abelone Christensen (CPR)',
    claims: {
      'mitid.uuid': '8cb1e51c-13aa-4044-b9ac-8978cf1f113c',
      'dk.cpr': '1107744882',
      'mitid.date_of_birth': '1974-07-11',
      'mitid.identity_name': 'Abelone Christensen',
      'mitid.has_cpr': true,
      name: 'Abelone Christensen', given_name: 'Abelone', family_name: 'Christensen',
    },
  },
  {
    id: 'dk-stig',
    label: 'Stig Hansen (no CPR match)',
    claims: {
      'mitid.uuid': '79379634-251c-4f3e-a47d-526235822b91',
      'mitid.date_of_birth': '1929-11-09',
      'mitid.identity_name': 'Stig Hansen',
      'mitid.has_cpr': false,
      name: 'Stig Hansen', given_name: 'Stig', family_name: 'Hansen',
    },
  },
];

const FI_PEOPLE: TestPerson[] = [
  {
    id: 'fi-matti',
    label: 'Matti Meikäläinen',
    claims: {
      hetu: '070770-905D', satu: '999198153',
      name: 'Matti Meikäläinen', given_name: 'Matti', family_name: 'Meikäläinen', birthdate: '1970-07-07',
    },
  },
  {
    id: 'fi-maija',
    label: 'Maija Virtanen',
    claims: {
      hetu: '010181-900C',
      name: 'Maija Virtanen', given_name: 'Maija', family_name: 'Virtanen', birthdate: '1981-01-01',
    },
  },
];

export const DEFAULT_PEOPLE: Record<TestIdpProfile, TestPerson[]> = {
  'no-bankid': NO_PEOPLE,
  'dk-mitid': DK_PEOPLE,
  'fi-ftn': FI_PEOPLE,
};
