// `idbridge dev`: the broker with every built-in simulator and a demo merchant on one SQLite file.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { composeBroker } from '../compose.js';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/ids.js';
import { addCustomer } from '../customers.js';
import { startDemoMerchant } from '../http/demo-merchant.js';
import { createLogger } from '../logger.js';
import { serveDevOidcIdps } from '../providers/oidc/dev-upstreams.js';
import type { Store } from '../storage/store.js';
import { devFiles, devSecret, writePrivate } from './secret.js';
import { onSignals } from './serve.js';
import { DEFAULT_SIMULATOR_CERTS_DIR } from './bankid-simulator.js';
import { startDevBankId } from '../providers/bankid-se/dev-simulator.js';

interface DevState {
  customer_id: string;
  api_key: string;
}

/** The demo customer survives restarts: its id and key live in dev's state file (secret.ts). */
async function seedDemoCustomer(store: Store, statePath: string | null, merchantOrigin: string): Promise<DevState> {
  if (statePath && existsSync(statePath)) {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as DevState;
    const c = await store.getCustomer(state.customer_id);
    if (c) {
      await store.updateCustomer(c.id, { targets: [`${merchantOrigin}/return`], frame_origins: [merchantOrigin] }, systemClock.now());
      return state;
    }
  }
  const r = await addCustomer(store, { name: 'Demo shop', targets: [`${merchantOrigin}/return`], frame_origins: [merchantOrigin], allow_private_webhooks: true }, systemClock.now());
  const state = { customer_id: r.customer.id, api_key: r.api_key };
  if (statePath) writePrivate(statePath, JSON.stringify(state, null, 2));
  return state;
}

/** The flags of `dev`; main.ts's usage names each (test/docs/cli-usage.test.ts). */
export const DEV_OPTIONS = { port: { type: 'string' }, 'bankid-port': { type: 'string' }, 'merchant-port': { type: 'string' } } as const;

export async function devCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: DEV_OPTIONS });
  const env = { ...process.env };
  if (values.port) env.IDBRIDGE_PORT = values.port;
  env.IDBRIDGE_HOST ??= '127.0.0.1';
  const base = loadConfig(env);
  const config = { ...base, enableDemo: true, secretKey: devSecret(base) };
  const log = createLogger(config.logLevel);
  const bankid = await startDevBankId(config, Number(values['bankid-port'] ?? 4100), DEFAULT_SIMULATOR_CERTS_DIR);
  const broker = await composeBroker(config, { logger: log, providers: bankid.provider ? [bankid.provider] : [] })
    .catch(async (err: unknown) => { await bankid.close(); throw err; });
  const merchantPort = Number(values['merchant-port'] ?? config.port + 1);
  const merchantOrigin = `http://localhost:${merchantPort}`;
  const files = devFiles(config.databaseUrl);
  const state = await seedDemoCustomer(broker.store, files?.state ?? null, merchantOrigin);
  // OIDC test IdPs for no-bankid, dk-mitid and fi-ftn, with the broker's stored keys (docs/oidc.md).
  const oidcIdps = await serveDevOidcIdps(broker.oidc, broker.url, { host: '127.0.0.1' });
  const methods = [...broker.svc.deps.providers.keys()];
  const merchant = await startDemoMerchant({ brokerUrl: broker.url, apiKey: state.api_key, origin: merchantOrigin, methods }, merchantPort);
  process.stdout.write(
    [
      '',
      'IDBridge dev is running',
      `  broker:          ${broker.url}   (API reference ${broker.url}/docs)`,
      `  demo merchant:   ${merchantOrigin}`,
      `  database:        ${redactPassword(config.databaseUrl)}`,
      ...(files ? [`  dev files:       ${base.secretKey ? '' : `${files.key} (secret key), `}${files.state} (demo customer)`] : []),
      `  demo customer:   ${state.customer_id}`,
      `  demo API key:    ${state.api_key}`,
      `  target URL:      ${merchantOrigin}/return`,
      `  methods:         ${methods.join(', ')}`,
      ...Object.values(oidcIdps.idps).map((idp) => `  OIDC test IdP:   ${idp.url}   (${idp.profile})`),
      `  BankID RP API:   ${bankid.rpUrl}   (simulator)`,
      `  BankID app:      ${bankid.appUrl}   (approve or cancel pending orders as a test person)`,
      '',
    ].join('\n') + '\n',
  );
  onSignals(async () => {
    await merchant.close();
    await broker.close();
    await oidcIdps.close();
    await bankid.close();
  });
}

/** A URL's password stays out of the terminal (and of whatever records it). */
function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
