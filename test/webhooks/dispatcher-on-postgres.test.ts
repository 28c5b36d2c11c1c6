// The dispatcher suites (memory port by default) run again against the SQL DeliveryPort on
// postgres, unchanged: the SQL storage must pass the same contract as the reference port.
import { describe } from 'vitest';
import { dialects } from '../support/databases.js';

process.env.IDBRIDGE_DELIVERY_PORT_FIXTURE = new URL('./support/sql-port-fixture.ts', import.meta.url).href;
process.env.IDBRIDGE_DELIVERY_PORT_DIALECT = 'postgres';

// dialects() says loudly when PostgreSQL is missing (and fails with IDBRIDGE_REQUIRE_PG=1).
const onPostgres = (await dialects()).includes('postgres');

describe.runIf(onPostgres)('dispatcher on the SQL port (postgres)', async () => {
  await import('./dispatcher-delivery.test.js');
  await import('./dispatcher-retry.test.js');
  await import('./dispatcher-loop.test.js');
  await import('./dispatcher-lease.test.js');
  await import('./dispatcher-held.test.js');
});
