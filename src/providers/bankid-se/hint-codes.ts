// BankID hint codes and error codes as the broker's API names them (API.md §3): snake_case of the
// hint, except where the API fixes a name for a final outcome.

/** `outstandingTransaction` -> `outstanding_transaction`; unknown codes go through the same rule. */
export function toSnakeCase(code: string): string {
  return code
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** API.md §3: the person's cancel is `user_cancelled`; provider timeouts keep BankID's names. */
const FAILURE_CODES: Record<string, string> = {
  userCancel: 'user_cancelled',
  expiredTransaction: 'expired_transaction',
  startFailed: 'start_failed',
};

/** API failure code of a BankID failed hint code or error code. */
export function failureCode(bankIdCode: string): string {
  return FAILURE_CODES[bankIdCode] ?? toSnakeCase(bankIdCode);
}

export const PENDING_HINTS = [
  'outstandingTransaction',
  'noClient',
  'started',
  'userMrtd',
  'userCallConfirm',
  'userSign',
] as const;

export const FAILED_HINTS = [
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'cancelled',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
] as const;
