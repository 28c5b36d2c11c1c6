// `idbridge <command>` (API.md §1).
import { ConfigError } from '../config/load.js';
import { AdminError } from '../customers.js';
import { customersCommand, keysCommand } from './customers.js';
import { devCommand } from './dev.js';
import { migrateCommand, serveCommand } from './serve.js';

/** Every command and flag; test/docs/cli-usage.test.ts holds it to the parsers' option tables. */
export const USAGE = `usage: idbridge <command>
  dev [--port 3000] [--bankid-port 4100] [--merchant-port PORT+1]
      broker + BankID simulator + OIDC test IdPs + demo merchant, a seeded demo customer;
      database IDBRIDGE_DATABASE_URL (default sqlite:./idbridge.db)
  serve [--role all|api|worker]     the broker alone, configured by environment (docs/configuration.md)
  migrate                           apply database migrations and exit
  customers add --name N [--target URL]... [--frame-origin ORIGIN]... [--method M]...
      [--webhook-url URL] [--allow-private-webhooks] [--retention-hours H] [--json]
  customers list [--json]
  customers update ID [--name N] [--target URL]... [--frame-origin ORIGIN]... [--method M]...
      [--retention-hours H] [--allow-private-webhooks | --no-allow-private-webhooks] [--json]
  keys create CUSTOMER_ID [--json]
  keys revoke KEY_PREFIX
  bankid-simulator [--port 4100] [--host 127.0.0.1] [--certs DIR]
Customers, keys and every per-customer setting: docs/customers.md.`;

type Command = (argv: string[]) => Promise<void>;

async function loadSimulator(): Promise<Command> {
  const mod = await import('./bankid-simulator.js').catch(() => null);
  if (!mod?.runBankIdSimulator) throw new AdminError('bankid-simulator is not available in this build');
  return mod.runBankIdSimulator as Command;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const commands: Record<string, () => Promise<Command>> = {
    dev: async () => devCommand,
    serve: async () => serveCommand,
    migrate: async () => migrateCommand,
    customers: async () => customersCommand,
    keys: async () => keysCommand,
    'bankid-simulator': loadSimulator,
  };
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const pick = command ? commands[command] : undefined;
  if (!pick) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command ? 2 : 0;
    return;
  }
  try {
    await (await pick())(rest);
  } catch (err) {
    if (err instanceof AdminError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`idbridge ${command}: ${(err as Error).message}\n`);
      process.exitCode = 2;
    } else throw err;
  }
  // A one-shot command is done once its output is written: exit then, rather than wait for every
  // handle to close by itself (a pool's socket to PostgreSQL can take its time on a loaded machine,
  // and a script waiting on `customers add` would wait with it).
  if (ONE_SHOT.has(command!)) {
    await new Promise<void>((resolve) => process.stdout.write('', () => process.stderr.write('', () => resolve())));
    process.exit();
  }
}

const ONE_SHOT = new Set(['migrate', 'customers', 'keys']);
