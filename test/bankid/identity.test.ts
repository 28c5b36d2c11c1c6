import { describe, expect, it } from 'vitest';
import { identityFromCompletion, signatureFromCompletion } from '../../src/providers/bankid-se/identity.js';
import { dateOfBirth, isValidPersonalNumber } from '../../src/providers/bankid-se/personal-number.js';
import type { CompletionData } from '../../src/providers/bankid-se/types.js';
import { COORDINATION, PERSON } from './helpers.js';

const completion = (personalNumber: string): CompletionData => ({
  user: { personalNumber, name: 'Astrid Andersson', givenName: 'Astrid', surname: 'Andersson' },
  device: { ipAddress: '192.0.2.1', uhi: 'abc' },
  bankIdIssueDate: '2024-01-02',
  signature: 'PHNpZy8+',
  ocspResponse: 'MAo=',
  risk: 'low',
});

describe('identity from completionData', () => {
  it('normalises a personnummer', () => {
    const at = new Date('2026-03-01T10:00:00Z');
    const identity = identityFromCompletion(completion(PERSON), at);
    expect(identity).toMatchObject({
      provider: 'se-bankid', country: 'SE', subject: PERSON,
      national_id: { value: PERSON, type: 'se_personnummer', country: 'SE' },
      first_name: 'Astrid', last_name: 'Andersson', full_name: 'Astrid Andersson',
      date_of_birth: '1990-01-01', assurance: { level: 'high' }, authenticated_at: '2026-03-01T10:00:00.000Z',
    });
    expect(identity.raw).toEqual({ user: completion(PERSON).user, device: { ipAddress: '192.0.2.1', uhi: 'abc' }, bankIdIssueDate: '2024-01-02', risk: 'low' });
  });

  it('recognises a samordningsnummer (day + 60)', () => {
    expect(isValidPersonalNumber(COORDINATION)).toBe(true);
    const identity = identityFromCompletion(completion(COORDINATION), new Date());
    expect(identity.national_id?.type).toBe('se_samordningsnummer');
    expect(identity.date_of_birth).toBe('1990-01-01');
    expect(dateOfBirth('199002301234')).toBeNull();
  });

  it('builds the signature', () => {
    expect(signatureFromCompletion(completion(PERSON), 'I agree')).toEqual({
      format: 'bankid-xmldsig', value: 'PHNpZy8+', ocsp_response: 'MAo=', signed_text: 'I agree',
    });
  });
});
