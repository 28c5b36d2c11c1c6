// Test people: any 12-digit personal number with a valid check digit (API.md §7). Names are
// derived from the number so that the same number is always the same person.
import { createHash } from 'node:crypto';
import type { CompletionUser } from '../types.js';

const GIVEN = ['Astrid', 'Erik', 'Maja', 'Lars', 'Ingrid', 'Johan', 'Elsa', 'Nils', 'Karin', 'Oskar', 'Sigrid', 'Anders', 'Linnéa', 'Gustav', 'Ebba', 'Björn'];
const SURNAMES = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Lindqvist', 'Åberg', 'Lindström', 'Bergström'];

function hash(personalNumber: string): Buffer {
  return createHash('sha256').update(`bankid-sim:${personalNumber}`).digest();
}

export function testPerson(personalNumber: string): CompletionUser {
  const h = hash(personalNumber);
  const givenName = GIVEN[h[0] % GIVEN.length];
  const surname = SURNAMES[h[1] % SURNAMES.length];
  return { personalNumber, givenName, surname, name: `${givenName} ${surname}` };
}

/** Unique hardware id of the person's simulated device (completionData.device.uhi). */
export function deviceUhi(personalNumber: string): string {
  return hash(`uhi:${personalNumber}`).subarray(0, 20).toString('base64url');
}

/** A plausible BankID issue date, stable per person, within the last three years. */
export function issueDate(personalNumber: string, now: Date): string {
  const days = hash(`issued:${personalNumber}`).readUInt16BE(0) % 1000;
  return new Date(now.getTime() - (days + 30) * 86_400_000).toISOString().slice(0, 10);
}
