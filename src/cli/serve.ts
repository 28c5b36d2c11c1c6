// `idbridge serve` and `idbridge migrate`: production entry points, configured by environment.
import { closeSoon } from './one-shot.js';
import { parseArgs } from 'node:util';
import { composeBroker } from '../compose.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { openStore } from '../storage/store.js';
import { adminSecret } from './secret.js';

export function onSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The flags of `serve`; main.ts's usage names each (test/docs/cli-usage.test.ts). */
export const SERVE_OPTIONS = { role: { type: 'string' } } as const;

export async function serveCommand(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({ args: argv, options: SERVE_OPTIONS });
  const config = loadConfig(values.role ? { ...process.env, IDBRIDGE_ROLE: values.role } : process.env);
  if (!config.secretKey) throw new ConfigError('IDBRIDGE_SECRET_KEY is required by serve (64 hex digits; see docs/configuration.md)');
  const log = createLogger(config.logLevel);
  const broker = await composeBroker(config, { logger: log, providers: [] });
  log.info({ url: broker.url, role: config.role, demo: config.enableDemo }, 'idbridge serving');
  if (config.enableDemo) log.warn('the demo method is enabled: anyone can log in as a test person');
  onSignals(() => broker.close());
}

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl, adminSecret(config));
  try {
    const applied = await store.migrate();
    process.stdout.write(`${JSON.stringify({ applied })}\n`);
  } finally {
    await closeSoon(store);
  }
}
