import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../config/load.js';

/** Where `dev` keeps its generated key: beside its SQLite file, so a restart can still read it. */
export function devKeyPath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length);
  return path && path !== ':memory:' ? `${path}.key` : null;
}

export function devSecret(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const path = devKeyPath(config.databaseUrl);
  if (path && existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  if (path) writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * The admin commands never read personal data, but they open the same store; they use the
 * configured key, or `dev`'s key file when there is one.
 */
export function adminSecret(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const path = devKeyPath(config.databaseUrl);
  if (path && existsSync(path)) return readFileSync(path, 'utf8').trim();
  return randomBytes(32).toString('hex');
}
