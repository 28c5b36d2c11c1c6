// `idbridge dev` as a developer runs it, on a fresh database of either dialect (dev takes
// IDBRIDGE_DATABASE_URL when set, API.md §1), with what it prints read back: the broker, the demo
// key, and the URL of each OIDC test identity provider. Customers of one's own are added with the
// CLI on the same database, as on any running broker.
import { freshDatabase, type Database, type Dialect } from './databases.js';
import { Api } from './http.js';
import { cliJson, freePort, freePortPair, newSecretKey, Running } from './processes.js';

export interface Dev {
  url: string;
  demoKey: string;
  /** `OIDC test IdP:   URL   (method)` lines, by method. */
  idps: Record<string, string>;
  proc: Running;
  db: Database;
  env: Record<string, string>;
  /** `customers add … --json` on dev's database; its Api points at dev. */
  customer(args: string[]): Promise<{ id: string; api_key: string; api: Api }>;
  stop(): Promise<void>;
}

/**
 * Starts dev; `publicHost` sets IDBRIDGE_PUBLIC_URL's host (127.0.0.1 makes the broker another
 * site than a merchant page on `localhost`, as a real merchant is).
 */
export async function startDev(dialect: Dialect, publicHost = '127.0.0.1'): Promise<Dev> {
  const db = await freshDatabase(dialect);
  const port = await freePortPair();
  const bankidPort = await freePort();
  const env = { IDBRIDGE_DATABASE_URL: db.url, IDBRIDGE_SECRET_KEY: newSecretKey() };
  const proc = Running.start(['dev', '--port', String(port), '--bankid-port', String(bankidPort)], { ...env, IDBRIDGE_PUBLIC_URL: `http://${publicHost}:${port}` }, db.dir);
  let out: string;
  try {
    out = await proc.waitForOutput((o) => /BankID app:/.test(o), 60_000);
  } catch (err) {
    await proc.stop();
    await db.drop();
    throw err;
  }
  const url = `http://${publicHost}:${port}`;
  const idps: Record<string, string> = {};
  for (const m of out.matchAll(/OIDC test IdP:\s+(\S+)\s+\(([\w-]+)\)/g)) idps[m[2]] = m[1];
  return {
    url,
    demoKey: /(idbk_\S+)/.exec(out)![1],
    idps,
    proc,
    db,
    env,
    async customer(args) {
      const c = await cliJson(['customers', 'add', ...args, '--json'], env);
      return { ...c, api: new Api(url, c.api_key) };
    },
    async stop() {
      await proc.stop();
      await db.drop().catch(() => undefined);
    },
  };
}
