// Normalised identity and signature (API.md §3) from BankID collect completionData (reference §1.4).
import type { Identity, Signature } from '../../core/types.js';
import { dateOfBirth, isCoordinationNumber } from './personal-number.js';
import type { CompletionData } from './types.js';

export function identityFromCompletion(data: CompletionData, authenticatedAt: Date): Identity {
  const { personalNumber, givenName, surname, name } = data.user;
  // The signature and OCSP blobs are large and belong to the Signature, not to the claims.
  const { signature: _signature, ocspResponse: _ocsp, ...raw } = data;
  return {
    provider: 'se-bankid',
    country: 'SE',
    subject: personalNumber,
    national_id: {
      value: personalNumber,
      type: isCoordinationNumber(personalNumber) ? 'se_samordningsnummer' : 'se_personnummer',
      country: 'SE',
    },
    first_name: givenName || null,
    last_name: surname || null,
    full_name: name || null,
    date_of_birth: dateOfBirth(personalNumber),
    // BankID is a qualified-level Swedish eID (DIGG tillitsnivå 3); the API calls that `high`.
    assurance: { level: 'high', raw: 'se-bankid' },
    authenticated_at: authenticatedAt.toISOString(),
    raw: raw as Record<string, unknown>,
  };
}

export function signatureFromCompletion(data: CompletionData, signedText: string): Signature {
  return {
    format: 'bankid-xmldsig',
    value: data.signature,
    ocsp_response: data.ocspResponse,
    signed_text: signedText,
  };
}
