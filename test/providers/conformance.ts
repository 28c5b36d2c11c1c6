// The rules the provider contract suite judges by, as plain functions that list problems (an empty
// list is conformance), so that a failing check names every deviation at once.
import { readFileSync } from 'node:fs';
import type { Identity } from '../../src/core/types.js';
import type { Outcome } from '../../src/providers/contract.js';

/** The closed union of contract.ts; anything else is a provider inventing a kind. */
export const OUTCOME_KINDS = ['pending', 'complete', 'failed', 'retry'] as const;

/** API.md §3: the normalised identity has exactly these keys. */
const IDENTITY_KEYS = [
  'provider', 'country', 'subject', 'national_id', 'first_name', 'last_name', 'full_name',
  'date_of_birth', 'assurance', 'authenticated_at', 'raw',
];
const NATIONAL_ID_TYPES = ['se_personnummer', 'se_samordningsnummer', 'no_fodselsnummer', 'no_d_number', 'dk_cpr', 'fi_hetu'];
const LEVELS = ['low', 'substantial', 'high'];
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
// "times are RFC 3339 UTC strings" (API.md, top): a Z offset, optional fraction.
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sameKeys = (v: Record<string, unknown>, keys: string[]) => [...Object.keys(v)].sort().join() === [...keys].sort().join();

/** Stored sealed as JSON: whatever does not come back equal is lost between two requests. */
export function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function outcomeProblems(o: Outcome): string[] {
  const p: string[] = [];
  if (!isObject(o) || !(OUTCOME_KINDS as readonly string[]).includes(String(o.kind))) return [`unknown outcome kind ${JSON.stringify((o as { kind?: unknown })?.kind)}`];
  switch (o.kind) {
    case 'pending':
      if (!isObject(o.state)) p.push('pending.state is not an object');
      if (o.progress != null && !(isObject(o.progress) && SNAKE.test(String(o.progress.code)) && typeof o.progress.message === 'string' && o.progress.message.length > 0)) {
        p.push(`pending.progress is not {code (snake_case), message}: ${JSON.stringify(o.progress)}`);
      }
      if (o.launch != null && !isObject(o.launch)) p.push('pending.launch is not an object');
      if (o.callback_key != null && (typeof o.callback_key !== 'string' || o.callback_key.length === 0)) p.push('pending.callback_key is not a string');
      if (o.next_check_ms != null && !(typeof o.next_check_ms === 'number' && o.next_check_ms > 0)) p.push('pending.next_check_ms is not a positive number');
      break;
    case 'complete':
      if (!isObject(o.identity)) p.push('complete.identity is missing');
      if (o.device != null && !(isObject(o.device) && typeof o.device.ip_address === 'string')) p.push('complete.device is not {ip_address}');
      break;
    case 'failed':
      if (!SNAKE.test(String(o.code))) p.push(`failed.code is not snake_case: ${JSON.stringify(o.code)}`);
      if (typeof o.message !== 'string' || o.message.length === 0) p.push('failed.message is empty');
      break;
    case 'retry':
      if (!(typeof o.after_ms === 'number' && o.after_ms >= 0)) p.push('retry.after_ms is not a number >= 0');
      if (typeof o.reason !== 'string') p.push('retry.reason is not a string');
      break;
  }
  return p;
}

function validDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}

const nullableName = (v: unknown) => v === null || (typeof v === 'string' && v.trim().length > 0);

/** API.md §3 "Identity (normalised, every provider)", key for key. */
export function identityProblems(identity: Identity, expected: { method: string; country: string }): string[] {
  const p: string[] = [];
  const id = identity as unknown as Record<string, unknown>;
  if (!isObject(id)) return ['identity is not an object'];
  if (!sameKeys(id, IDENTITY_KEYS)) p.push(`identity keys are [${Object.keys(id).sort().join(', ')}]`);
  if (id.provider !== expected.method) p.push(`provider is ${JSON.stringify(id.provider)}, not the method ${expected.method}`);
  if (id.country !== expected.country) p.push(`country is ${JSON.stringify(id.country)}, not ${expected.country}`);
  if (typeof id.subject !== 'string' || id.subject.length === 0) p.push('subject is not a non-empty string');
  const nid = id.national_id;
  if (nid !== null) {
    if (!isObject(nid) || !sameKeys(nid, ['value', 'type', 'country'])) p.push(`national_id is not {value, type, country} or null: ${JSON.stringify(nid)}`);
    else {
      if (typeof nid.value !== 'string' || nid.value.length === 0) p.push('national_id.value is not a non-empty string');
      if (!NATIONAL_ID_TYPES.includes(String(nid.type))) p.push(`national_id.type ${JSON.stringify(nid.type)} is not in API.md's list`);
      // The type names its country (se_, no_, dk_, fi_): a mismatch is a mislabelled number.
      if (String(nid.type).slice(0, 2).toUpperCase() !== nid.country) p.push(`national_id.country ${JSON.stringify(nid.country)} does not match type ${String(nid.type)}`);
    }
  }
  for (const key of ['first_name', 'last_name', 'full_name']) {
    if (!nullableName(id[key])) p.push(`${key} is neither a non-empty string nor null`);
  }
  if (id.date_of_birth !== null && !(typeof id.date_of_birth === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(id.date_of_birth) && validDate(id.date_of_birth))) {
    p.push(`date_of_birth ${JSON.stringify(id.date_of_birth)} is not YYYY-MM-DD or null`);
  }
  const a = id.assurance;
  if (!isObject(a) || !sameKeys(a, ['level', 'raw'])) p.push(`assurance is not {level, raw}: ${JSON.stringify(a)}`);
  else {
    if (!LEVELS.includes(String(a.level))) p.push(`assurance.level ${JSON.stringify(a.level)} is not low|substantial|high`);
    if (typeof a.raw !== 'string' || a.raw.length === 0) p.push('assurance.raw is not a non-empty string');
  }
  const at = id.authenticated_at;
  if (typeof at !== 'string' || !RFC3339_UTC.test(at) || Number.isNaN(Date.parse(at))) p.push(`authenticated_at ${JSON.stringify(at)} is not an RFC 3339 UTC time`);
  else if (Math.abs(Date.parse(at) - Date.now()) > 86_400_000) p.push(`authenticated_at ${at} is not within a day of this run`);
  if (!isObject(id.raw)) p.push('raw is not an object');
  try {
    if (JSON.stringify(roundTrip(id)) !== JSON.stringify(id)) p.push('identity does not survive a JSON round trip');
  } catch {
    p.push('identity is not JSON-serialisable');
  }
  return p;
}

/** Names of `values` (secrets, personal data) whose text appears anywhere in `shown`. */
export function leaks(shown: unknown, values: Record<string, string>): string[] {
  const text = JSON.stringify(shown ?? null);
  return Object.entries(values)
    .filter(([, value]) => value.length >= 8 && (text.includes(value) || text.includes(encodeURIComponent(value))))
    .map(([name]) => name);
}

/** The codes docs/errors.md lists, per table: API answers, and a failed session's `error.code`. */
export function documentedCodes(): { api: Set<string>; session: Set<string> } {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = (title: string) => {
    const start = doc.indexOf(`## ${title}`);
    if (start < 0) throw new Error(`docs/errors.md has no "## ${title}" section`);
    const end = doc.indexOf('\n## ', start + 3);
    const body = doc.slice(start, end < 0 ? undefined : end);
    return new Set([...body.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]));
  };
  return { api: section('API errors'), session: section('Session error codes') };
}
