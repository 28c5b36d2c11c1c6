// BankID's recommended user messages (RFA) for every hint code and error code, in the page
// languages of API.md §3. Mapping: bankid.com integration guide, "Rekommenderade
// användarmeddelanden" and the collect/felfall pages (reference §1.4, §1.5, §1.9).
import type { Flow, Locale, Operation } from '../../core/types.js';
import { failureCode, toSnakeCase } from './hint-codes.js';
import { da } from './rfa/da.js';
import { en } from './rfa/en.js';
import { fi } from './rfa/fi.js';
import type { RfaKey, RfaTexts } from './rfa/keys.js';
import { nb } from './rfa/nb.js';
import { sv } from './rfa/sv.js';

const LOCALES: Record<Locale, RfaTexts> = { en, sv, nb, da, fi };

export interface MessageContext {
  flow?: Flow;
  /** The order was started with the autostart token on this device (not by QR). */
  autostart?: boolean;
  /** The person is on a phone or tablet rather than a computer (RFA14/15 B vs A). */
  mobile?: boolean;
  operation?: Operation;
}

export function rfaText(key: RfaKey, locale: Locale, operation: Operation = 'authenticate'): string {
  const pack = LOCALES[locale] ?? en;
  return pack.texts[key].replace('{op}', pack.op[operation]);
}

function pendingKey(hint: string, ctx: MessageContext): RfaKey {
  const variant = ctx.mobile === false ? 'A' : 'B';
  switch (hint) {
    case 'outstandingTransaction':
      return ctx.autostart ? 'RFA13' : 'RFA1';
    case 'noClient':
      return 'RFA1';
    case 'started':
      return ctx.autostart ? `RFA15${variant}` : `RFA14${variant}`;
    case 'userMrtd':
      return 'RFA23';
    case 'userCallConfirm':
      return 'callConfirm';
    case 'userSign':
      return 'RFA9';
    default:
      return 'RFA21';
  }
}

/** Progress of a pending order: the hint in snake_case and the message to show. */
export function progressFor(
  hintCode: string,
  locale: Locale,
  ctx: MessageContext = {},
): { code: string; message: string } {
  return { code: toSnakeCase(hintCode), message: rfaText(pendingKey(hintCode, ctx), locale, ctx.operation) };
}

const FAILURE_KEYS: Record<string, RfaKey> = {
  // Failed hint codes (collect).
  expiredTransaction: 'RFA8',
  certificateErr: 'RFA16',
  userCancel: 'RFA6',
  cancelled: 'RFA3',
  userDeclinedCall: 'declinedCall',
  notSupportedByUserApp: 'appTooOld',
  transactionRiskBlocked: 'RFA22',
  // Error codes (any call).
  alreadyInProgress: 'RFA4',
  requestTimeout: 'RFA5',
  internalError: 'RFA5',
  maintenance: 'RFA5',
  tooManyRequests: 'RFA5',
  // IDBridge's own outcomes.
  ipMismatch: 'ipMismatch',
  providerError: 'RFA5',
};

/** Accepts a BankID code (`userCancel`, `alreadyInProgress`) or the API's snake_case code. */
function failureKey(code: string, ctx: MessageContext): RfaKey {
  const camel = code.includes('_') ? toCamelCase(code) : code;
  if (camel === 'startFailed') return ctx.autostart ? 'RFA17A' : 'RFA17B';
  if (camel === 'userCancelled') return 'RFA6';
  return FAILURE_KEYS[camel] ?? 'RFA22';
}

function toCamelCase(code: string): string {
  return code.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A final failure: the API's code (`user_cancelled`, `start_failed`, …) and its message. */
export function failureFor(
  code: string,
  locale: Locale,
  ctx: MessageContext = {},
): { code: string; message: string } {
  const apiCode = code.includes('_') ? code : failureCode(code);
  return { code: apiCode, message: rfaText(failureKey(code, ctx), locale, ctx.operation) };
}
