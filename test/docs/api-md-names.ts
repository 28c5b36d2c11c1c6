// Reads the names API.md gives (error codes, settings, the values of an enum setting) from API.md
// itself, so a code or key added to the contract fails test/docs until the references list it.

/** The text of `## n.` up to the next `## `. */
export function section(api: string, n: number): string {
  const start = api.indexOf(`\n## ${n}.`);
  if (start < 0) throw new Error(`API.md has no section ${n}`);
  const end = api.indexOf('\n## ', start + 1);
  return api.slice(start, end < 0 ? undefined : end);
}

const CODE = /`([a-z][a-z0-9]*(?:_[a-z0-9]+)*)`/g;
const codesIn = (text: string): string[] => [...text.matchAll(CODE)].map((m) => m[1]);
const withoutAsides = (text: string): string => text.replace(/\([^()]*\)/g, '');

/**
 * Codes of error answers: the answer column of §6's table, and anywhere in the text a status
 * followed by a code, with the codes it lists after it ("400 `a` (…) or `b`", "`a` / `b`").
 */
export function apiErrorCodes(api: string): Set<string> {
  const codes = new Set<string>();
  for (const line of section(api, 6).split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim()).filter(Boolean);
    if (cells.length >= 2 && /\b[1-5]\d\d\b/.test(cells[cells.length - 1])) for (const c of codesIn(cells[cells.length - 1])) codes.add(c);
  }
  const listed = /\b[45]\d\d `[a-z0-9_]+`(?:\s*\([^()]*\))?(?:\s*(?:or|\/|,)\s*`[a-z0-9_]+`(?:\s*\([^()]*\))?)*/g;
  for (const m of api.matchAll(listed)) for (const c of codesIn(withoutAsides(m[0]))) codes.add(c);
  return codes;
}

/**
 * `error.code` values of a failed session that §3 names: the read example's `error.code`, the
 * list after "see `error.code`:", and "ends the session `failed`, `code`".
 */
export function sessionErrorCodes(api: string): Set<string> {
  const s3 = section(api, 3);
  const codes = new Set<string>();
  for (const m of s3.matchAll(/"error":\s*\{\s*"code":\s*"([a-z0-9_]+)"/g)) codes.add(m[1]);
  for (const m of s3.matchAll(/see `error\.code`:([^)]*)\)/g)) for (const c of codesIn(m[1])) codes.add(c);
  for (const m of s3.matchAll(/`failed`,\s*`([a-z0-9_]+)`/g)) codes.add(m[1]);
  return codes;
}

/** Every IDBRIDGE_* key API.md mentions, in backticks or not (`IDBRIDGE_ENABLE_DEMO=1`). */
export function settingKeys(api: string): Set<string> {
  return new Set([...api.matchAll(/IDBRIDGE_[A-Z0-9_]*[A-Z0-9]/g)].map((m) => m[0]));
}

/** Settings API.md gives as a choice: `IDBRIDGE_X` = `a` | `b` | `c`. */
export function settingChoices(api: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of api.matchAll(/`(IDBRIDGE_[A-Z0-9_]+)`\s*=\s*((?:`[^`]+`\s*\|?\s*)+)/g)) out.set(m[1], [...m[2].matchAll(/`([^`]+)`/g)].map((v) => v[1]));
  return out;
}
