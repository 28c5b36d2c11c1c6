// What a test IdP makes of the broker-style parameters in an authorization request. The MitID test
// broker acts like the Signaturgruppen broker (reference/oidc-eids.md §2): `idp_values` picks the
// IdP and `idp_params.mitid.loa_value` the NSIS level, which its login page preselects (the test
// person may still pick another, so that tests can make a broker misbehave). Stricter than the real
// broker, which shows an IdP picker: it offers only MitID and wants the client to have chosen it.
import type { TestIdpProfile } from './people.js';

const NSIS_LOA = /^https:\/\/data\.gov\.dk\/concept\/core\/nsis\/(loa\/)?(Low|Substantial|High)$/;

function mitidParams(params: Record<string, unknown>): Record<string, unknown> | string {
  const raw = params.idp_params;
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(String(raw)) as { mitid?: unknown };
    return typeof parsed.mitid === 'object' && parsed.mitid !== null ? (parsed.mitid as Record<string, unknown>) : {};
  } catch {
    return 'idp_params is not JSON';
  }
}

/** An OAuth error description when the request is not one this broker serves; else null. */
export function brokerRefusal(profile: TestIdpProfile, params: Record<string, unknown>): string | null {
  if (profile !== 'dk-mitid') return null;
  const idps = String(params.idp_values ?? '').split(' ').filter(Boolean);
  if (!idps.length) return 'idp_values is required (this test broker offers mitid)';
  if (!idps.includes('mitid')) return `idp_values ${idps.join(' ')} not offered by this test broker (mitid)`;
  const mitid = mitidParams(params);
  if (typeof mitid === 'string') return mitid;
  const loa = mitid.loa_value;
  if (loa !== undefined && !NSIS_LOA.test(String(loa))) return 'idp_params.mitid.loa_value is not an NSIS level';
  return null;
}

/** The level the client asked for, as the login page should preselect it. */
export function askedLevel(profile: TestIdpProfile, params: Record<string, unknown>): unknown {
  if (profile === 'dk-mitid') {
    const mitid = mitidParams(params);
    const level = typeof mitid === 'string' ? null : NSIS_LOA.exec(String(mitid.loa_value ?? ''))?.[2];
    // Signaturgruppen: loa_value defaults to Substantial; older docs write it without `loa/`.
    return `https://data.gov.dk/concept/core/nsis/loa/${level ?? 'Substantial'}`;
  }
  return params.acr_values;
}
