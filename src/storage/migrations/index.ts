import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-webhooks.js';

// Static list: migrations ship inside the package, no directory scanning at run time.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-webhooks': m002,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
