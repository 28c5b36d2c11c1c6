import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-webhooks.js';
import * as m003 from './003-broker-keys.js';
import * as m004 from './004-callback-binding.js';
import * as m005 from './005-due-checks-index.js';
import * as m006 from './006-job-leases.js';
import * as m007 from './007-erase-after.js';
import * as m008 from './008-erase-after-unset.js';
import * as m009 from './009-webhook-abandoned-reason.js';

// Static list: migrations ship inside the package, no directory scanning at run time.
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-webhooks': m002,
  '003-broker-keys': m003,
  '004-callback-binding': m004,
  '005-due-checks-index': m005,
  '006-job-leases': m006,
  '007-erase-after': m007,
  '008-erase-after-unset': m008,
  '009-webhook-abandoned-reason': m009,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
