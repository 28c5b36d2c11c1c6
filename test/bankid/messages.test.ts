import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/core/types.js';
import { FAILED_HINTS, PENDING_HINTS, failureCode, toSnakeCase } from '../../src/providers/bankid-se/hint-codes.js';
import { failureFor, progressFor, rfaText } from '../../src/providers/bankid-se/messages.js';

describe('hint codes', () => {
  it('turns BankID codes into the API snake_case', () => {
    expect(toSnakeCase('outstandingTransaction')).toBe('outstanding_transaction');
    expect(toSnakeCase('userMrtd')).toBe('user_mrtd');
    expect(toSnakeCase('someNewHint')).toBe('some_new_hint');
    expect(failureCode('userCancel')).toBe('user_cancelled');
    expect(failureCode('expiredTransaction')).toBe('expired_transaction');
    expect(failureCode('startFailed')).toBe('start_failed');
    expect(failureCode('certificateErr')).toBe('certificate_err');
  });
});

describe('recommended user messages', () => {
  it('has a message for every hint in every locale', () => {
    for (const locale of LOCALES) {
      for (const hint of [...PENDING_HINTS, 'brandNewHint']) {
        const p = progressFor(hint, locale);
        expect(p.code).toBe(toSnakeCase(hint));
        expect(p.message.length).toBeGreaterThan(5);
        expect(p.message).not.toContain('{op}');
      }
      for (const code of [...FAILED_HINTS, 'alreadyInProgress', 'internalError', 'maintenance', 'requestTimeout', 'ip_mismatch', 'whatever']) {
        const f = failureFor(code, locale, { operation: 'sign' });
        expect(f.message.length).toBeGreaterThan(5);
        expect(f.message).not.toContain('{op}');
      }
    }
  });

  it('uses BankID RFA texts for en and sv', () => {
    expect(progressFor('outstandingTransaction', 'en').message).toBe('Start your BankID app.');
    expect(progressFor('outstandingTransaction', 'sv', { autostart: true }).message).toBe('Försöker starta BankID-appen.');
    expect(progressFor('userSign', 'sv').message).toBe(rfaText('RFA9', 'sv'));
    expect(failureFor('userCancel', 'en')).toEqual({ code: 'user_cancelled', message: 'Action cancelled.' });
    expect(failureFor('startFailed', 'en').message).toMatch(/^Failed to scan the QR code/);
    expect(failureFor('startFailed', 'en', { autostart: true }).message).toMatch(/^The BankID app couldn't be found/);
    expect(failureFor('alreadyInProgress', 'sv').message).toBe(rfaText('RFA4', 'sv'));
    expect(failureFor('unknownCode', 'fi').message).toBe(rfaText('RFA22', 'fi'));
  });

  it('picks the desktop or device variant of "searching"', () => {
    expect(progressFor('started', 'en', { mobile: false }).message).toContain('card reader');
    expect(progressFor('started', 'en', { mobile: true, operation: 'sign' }).message).toContain('for this signing on this device');
  });
});
