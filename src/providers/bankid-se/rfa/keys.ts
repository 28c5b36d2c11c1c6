// Keys of BankID's recommended user messages (RFA = "Rekommenderade Formuleringar Användare",
// bankid.com integration guide, "Rekommenderade användarmeddelanden"; developers.bankid.com
// /resources/user-messages). RFA7 and RFA10–12 were retired by BankID. Keys without an RFA number
// are IDBridge's own texts for codes BankID gives no message for (reference §1.9).
export type RfaKey =
  | 'RFA1' | 'RFA2' | 'RFA3' | 'RFA4' | 'RFA5' | 'RFA6' | 'RFA8' | 'RFA9' | 'RFA13'
  | 'RFA14A' | 'RFA14B' | 'RFA15A' | 'RFA15B' | 'RFA16' | 'RFA17A' | 'RFA17B' | 'RFA18'
  | 'RFA19' | 'RFA20' | 'RFA21' | 'RFA22' | 'RFA23'
  | 'callConfirm' | 'declinedCall' | 'appTooOld' | 'ipMismatch';

/** `{op}` in a text is replaced by the locale's word for identification or signing. */
export interface RfaTexts {
  op: { authenticate: string; sign: string };
  texts: Record<RfaKey, string>;
}
