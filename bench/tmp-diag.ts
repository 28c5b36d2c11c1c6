import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBankIdSimulator } from '../src/providers/bankid-se/simulator/index.js';
import { startBroker } from '../test/support/broker.js';
const sim = await startBankIdSimulator({ timing: { startTimeoutMs: 3600000, orderLifetimeMs: 3600000 } });
const caFile = join(mkdtempSync(join(tmpdir(), 'x-')), 'ca.pem'); writeFileSync(caFile, sim.caPem);
const b = await startBroker('sqlite', { runWorker: false, env: { IDBRIDGE_RATE_LIMIT_CREATE: '0', IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: sim.rpUrl, IDBRIDGE_BANKID_CA: caFile } });
const auth = { authorization: `Bearer ${b.key}` };
for (let i = 0; i < 1000; i++) await b.broker.app.inject({ method: 'POST', url: '/v1/sessions', headers: auth, payload: { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1' } });
for (let round = 0; round < 12; round++) {
  await b.broker.store.db.updateTable('sessions').set({ next_check_at: 0 }).execute();
  const t0 = performance.now();
  const n = await b.broker.worker.runChecks();
  console.log('runChecks', n, (performance.now() - t0).toFixed(0), 'ms', process.cpuUsage());
}
const s = await b.broker.store.getSession((await b.broker.store.db.selectFrom('sessions').select('id').executeTakeFirstOrThrow()).id);
console.log(s?.status, s?.version);
await b.close(); await sim.close(); process.exit(0);
