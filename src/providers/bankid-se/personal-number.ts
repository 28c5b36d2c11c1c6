// Swedish personal identity numbers as BankID carries them: 12 digits YYYYMMDDNNNC. The check digit
// C is the Luhn digit over the last ten digits (Skatteverket SKV 704); a coordination number
// (samordningsnummer) adds 60 to the day of month.

export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let d = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** 12 digits, a plausible date (day 1–31 or 61–91) and a valid check digit. */
export function isValidPersonalNumber(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  if (dateOfBirth(value) === null) return false;
  return luhnCheckDigit(value.slice(2, 11)) === Number(value[11]);
}

export function isCoordinationNumber(value: string): boolean {
  return /^\d{12}$/.test(value) && Number(value.slice(6, 8)) >= 61;
}

/** `YYYY-MM-DD`, or null when the digits do not form a calendar date. */
export function dateOfBirth(value: string): string | null {
  if (!/^\d{12}$/.test(value)) return null;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  let day = Number(value.slice(6, 8));
  if (day >= 61) day -= 60;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return date.toISOString().slice(0, 10);
}

/** Completes 11 digits with their check digit (used to mint test people). */
export function withCheckDigit(elevenDigits: string): string {
  return elevenDigits + String(luhnCheckDigit(elevenDigits.slice(2, 11)));
}
