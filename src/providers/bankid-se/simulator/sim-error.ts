// An answer the simulator gives instead of a result: the RP API writes `{errorCode, details}`
// (reference §1.5), the phone-app paths `{error, message}`.
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: string,
  ) {
    super(details);
  }
}

/** BankID answers an unknown, finished or too old orderRef like this (reference §1.5). */
export const noSuchOrder = () => new SimError(400, 'invalidParameters', 'No such order');
