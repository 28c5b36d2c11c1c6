// The dispatcher suites (memory port by default) run again against the SQL DeliveryPort on
// sqlite, unchanged: the SQL storage must pass the same contract as the reference port.
import { describe } from 'vitest';


process.env.IDBRIDGE_DELIVERY_PORT_FIXTURE = new URL('./support/sql-port-fixture.ts', import.meta.url).href;
process.env.IDBRIDGE_DELIVERY_PORT_DIALECT = 'sqlite';

describe('dispatcher on the SQL port (sqlite)', async () => {
  await import('./dispatcher-delivery.test.js');
  await import('./dispatcher-retry.test.js');
  await import('./dispatcher-loop.test.js');
  await import('./dispatcher-lease.test.js');
  await import('./dispatcher-held.test.js');
});
