// Where `idbridge dev` keeps what must survive its restarts: its generated IDBRIDGE_SECRET_KEY
// (without it, stored personal data becomes unreadable) and its demo customer's id and API key.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/load.js';

export interface DevFiles {
  /** The generated secret key (64 hex digits), mode 0600. */
  key: string;
  /** The demo customer `{customer_id, api_key}`, mode 0600. */
  state: string;
}

/**
 * SQLite: beside the database file (`PATH.key`, `PATH.dev.json`). Any other database (PostgreSQL):
 * `.idbridge/dev/<id>.key` and `<id>.dev.json` under the working directory, where `<id>` is the
 * first 16 hex digits of the SHA-256 of the database URL, so each database (schema, server) keeps
 * its own and the file names never carry the URL's password. Not in the database itself: a copy of
 * the database alone must never be enough to read the personal data sealed in it.
 * Null for an in-memory SQLite database, which has nothing to keep.
 */
export function devFiles(databaseUrl: string, cwd = process.cwd()): DevFiles | null {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    return path && path !== ':memory:' ? { key: `${path}.key`, state: `${path}.dev.json` } : null;
  }
  const id = createHash('sha256').update(databaseUrl).digest('hex').slice(0, 16);
  const dir = resolve(cwd, '.idbridge', 'dev');
  return { key: join(dir, `${id}.key`), state: join(dir, `${id}.dev.json`) };
}

/** Writes a file readable by its owner only, making its directory (also owner-only) if needed. */
export function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
}

const readKey = (path: string | undefined): string | null => (path && existsSync(path) ? readFileSync(path, 'utf8').trim() : null);

export function devSecret(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const path = devFiles(config.databaseUrl)?.key;
  const kept = readKey(path);
  if (kept) return kept;
  const key = randomBytes(32).toString('hex');
  if (path) writePrivate(path, `${key}\n`);
  return key;
}

/** The broker's key as a command can know it: configured, or `dev`'s key file (from its directory). */
export function knownSecret(config: Config): string | null {
  return config.secretKey ?? readKey(devFiles(config.databaseUrl)?.key);
}

/**
 * The admin commands never read personal data, but they open the same store; they use the known
 * key, else a throwaway one. A command that seals something (a webhook secret) must check
 * knownSecret first: what a throwaway key seals, no broker can open.
 */
export function adminSecret(config: Config): string {
  return knownSecret(config) ?? randomBytes(32).toString('hex');
}
