// Fictional test people for the demo eID. Their numbers are valid-looking but belong to no one:
// they carry a correct Luhn check digit so they pass the same validation as real ones.
export interface DemoPerson {
  first_name: string;
  last_name: string;
  personal_number: string;
  date_of_birth: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { first_name: 'Astrid', last_name: 'Lindqvist', personal_number: '199001012385', date_of_birth: '1990-01-01' },
  { first_name: 'Nils', last_name: 'Berg', personal_number: '198507142399', date_of_birth: '1985-07-14' },
  { first_name: 'Ingrid', last_name: 'Holm', personal_number: '197212302389', date_of_birth: '1972-12-30' },
  { first_name: 'Oskar', last_name: 'Nyström', personal_number: '200002292399', date_of_birth: '2000-02-29' },
];

/** Luhn over the last ten digits, as Swedish personal numbers use. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}
