// One lookup for the composition root: method id -> profile factory.
import type { OidcProfile, OidcProfileConfig } from '../profile.js';
import { dkMitidProfile } from './dk-mitid.js';
import { fiFtnProfile } from './fi-ftn.js';
import { noBankidProfile } from './no-bankid.js';

export type OidcMethod = OidcProfile['method'];
export const OIDC_METHODS: readonly OidcMethod[] = ['no-bankid', 'dk-mitid', 'fi-ftn'];

export function oidcProfile(
  method: OidcMethod,
  config: Partial<OidcProfileConfig> & Pick<OidcProfileConfig, 'issuer' | 'client_id'>,
): OidcProfile {
  if (method === 'no-bankid') return noBankidProfile(config);
  if (method === 'dk-mitid') return dkMitidProfile(config);
  return fiFtnProfile(config);
}

export { dkMitidProfile, fiFtnProfile, noBankidProfile };
