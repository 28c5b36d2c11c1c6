// One broker as an operator runs it: a fresh database, `idbridge migrate`, customers and keys made
// with the CLI, and `idbridge serve` on a free 127.0.0.1 port, ready when /readyz answers 200.
import { freshDatabase, type Database, type Dialect } from './databases.js';
import { Api, request } from './http.js';
import { cliJson, freePort, newSecretKey, Running, runCli, sleep, type CliResult } from './processes.js';

export interface Customer {
  id: string;
  api_key: string;
  key_prefix?: string;
  webhook_endpoint: { id: string; url: string; secret: string } | null;
  api: Api;
}

export interface CustomerOptions {
  name?: string;
  targets?: string[];
  frameOrigins?: string[];
  methods?: string[];
  webhookUrl?: string;
  allowPrivateWebhooks?: boolean;
}

export interface Serve {
  url: string;
  port: number;
  proc: Running;
  stop(): Promise<void>;
}

export class Stack {
  serve!: Serve;
  readonly extra: Serve[] = [];
  constructor(readonly db: Database, readonly secretKey: string) {}

  /** The environment every command of this stack gets. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { IDBRIDGE_DATABASE_URL: this.db.url, IDBRIDGE_SECRET_KEY: this.secretKey, ...extra };
  }

  get url(): string {
    return this.serve.url;
  }

  cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    return runCli(args, this.env(extraEnv));
  }

  async customer(o: CustomerOptions = {}): Promise<Customer> {
    const args = ['customers', 'add', '--name', o.name ?? 'Contract Shop'];
    for (const t of o.targets ?? []) args.push('--target', t);
    for (const f of o.frameOrigins ?? []) args.push('--frame-origin', f);
    for (const m of o.methods ?? []) args.push('--method', m);
    if (o.webhookUrl) args.push('--webhook-url', o.webhookUrl);
    if (o.allowPrivateWebhooks) args.push('--allow-private-webhooks');
    args.push('--json');
    const c = await cliJson(args, this.env());
    return { ...c, api: new Api(this.serve?.url ?? '', c.api_key) };
  }

  /** Starts another `idbridge serve` on this stack's database. */
  async startServe(env: Record<string, string> = {}, secretKey = this.secretKey): Promise<Serve> {
    return startServe({ ...this.env(env), IDBRIDGE_SECRET_KEY: secretKey });
  }

  async stop(): Promise<void> {
    await Promise.all([this.serve?.stop(), ...this.extra.map((s) => s.stop())]);
    await this.db.drop().catch(() => undefined);
  }
}

export async function startServe(env: Record<string, string>): Promise<Serve> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = Running.start(['serve'], { IDBRIDGE_PORT: String(port), IDBRIDGE_HOST: '127.0.0.1', IDBRIDGE_PUBLIC_URL: url, ...env });
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`serve exited ${proc.child.exitCode}: ${proc.stderr}${proc.stdout}`);
    const r = await request(`${url}/readyz`).catch(() => null);
    if (r?.status === 200) break;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`serve not ready within 45 s: ${proc.stderr}${proc.stdout}`);
    }
    await sleep(150);
  }
  return { url, port, proc, stop: () => proc.stop() };
}

export interface StackOptions {
  /** Extra environment for `serve` (IDBRIDGE_ENABLE_DEMO=1 is the default). */
  serveEnv?: Record<string, string>;
  /** IDBRIDGE_SECRET_KEY of every command (default: 64 random hex digits). */
  secretKey?: string;
}

/** A fresh database, migrated, and one `serve` on it with the demo method enabled. */
export async function startStack(dialect: Dialect, opts: StackOptions = {}): Promise<Stack> {
  const db = await freshDatabase(dialect);
  const stack = new Stack(db, opts.secretKey ?? newSecretKey());
  const migrated = await stack.cli(['migrate']);
  if (migrated.code !== 0) throw new Error(`migrate exited ${migrated.code}: ${migrated.stderr}`);
  stack.serve = await startServe(stack.env({ IDBRIDGE_ENABLE_DEMO: '1', ...opts.serveEnv }));
  return stack;
}

/** Customers made before the stack's URL is known get their Api pointed at `url`. */
export function at(c: Customer, url: string): Customer {
  return { ...c, api: new Api(url, c.api_key) };
}
