// API.md §1 "Processes and commands", `npx idbridge dev [--port 3000] [--bankid-port 4100]`:
// broker + every built-in simulator (BankID RP API on --bankid-port, OIDC test IdPs) + demo merchant
// page, its database (`IDBRIDGE_DATABASE_URL` if set, else one SQLite file), a seeded demo customer,
// the URLs and the demo API key printed; and IDBRIDGE_SECRET_KEY: "`dev` generates one and keeps it
// beside its database so a restart can still read what it stored" — on SQLite and on PostgreSQL.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabase, type Database } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { Api, request } from './harness/http.js';
import { cliJson, freePort, freePortPair, Running } from './harness/processes.js';

const DIALECTS = await dialects();

interface DevRun {
  out: string;
  key: string;
  target: string;
}

/** One `idbridge dev` in `cwd` (no IDBRIDGE_SECRET_KEY: dev makes and keeps its own). */
class DevProcess {
  proc: Running | null = null;
  constructor(readonly cwd: string, readonly port: number, readonly bankidPort: number, readonly env: Record<string, string> = {}) {}

  async start(): Promise<DevRun> {
    this.proc = Running.start(['dev', '--port', String(this.port), '--bankid-port', String(this.bankidPort)], this.env, this.cwd);
    const out = await this.proc.waitForOutput((o) => /BankID app:/.test(o), 60_000);
    return { out, key: /(idbk_\S+)/.exec(out)![1], target: /target URL:\s*(\S+)/.exec(out)?.[1] ?? `http://localhost:${this.port + 1}/return` };
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}

async function bankIdRpStatus(port: number): Promise<number> {
  return new Promise<number>((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/rp/v6.0/auth', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end('{"endUserIp":"127.0.0.1"}');
  });
}

describe.each(DIALECTS)('API.md §1 idbridge dev (%s)', (dialect) => {
  const cwd = mkdtempSync(join(tmpdir(), 'idbridge-dev-'));
  let db: Database | null = null;
  let dev: DevProcess | null = null;
  afterAll(async () => {
    await dev?.stop();
    await db?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the URLs and the demo key, offers every method, runs BankID on --bankid-port, keeps its key so a restart reads what it stored', async () => {
    // SQLite: dev's default, ./idbridge.db in its working directory. PostgreSQL: IDBRIDGE_DATABASE_URL.
    db = dialect === 'postgres' ? await freshDatabase('postgres') : null;
    const env: Record<string, string> = db ? { IDBRIDGE_DATABASE_URL: db.url } : {};
    const port = await freePortPair();
    dev = new DevProcess(cwd, port, await freePort(), env);
    const first = await dev.start();
    expect(first.out).toMatch(new RegExp(`http://(localhost|127\\.0\\.0\\.1):${port}\\b`));
    const api = new Api(`http://127.0.0.1:${port}`, first.key);
    // Every built-in simulator: BankID and the OIDC test IdPs stand behind their methods.
    for (const method of ['se-bankid', 'no-bankid', 'dk-mitid', 'fi-ftn']) {
      const r = await api.post('/v1/sessions', { method, target: first.target });
      expect(r.status, `${method}: ${r.text}`).toBe(201);
    }
    const s = await api.create({ method: 'demo', target: first.target, relay_state: 'dev-1' });
    await new PageClient(s.redirect_url).completeDemo(0);
    const name = (await api.read(s.id)).result.identity.full_name;
    expect(name).toEqual(expect.any(String));
    // BankID RP API on --bankid-port: TLS that answers /rp/* without a client certificate with 401.
    expect(await bankIdRpStatus(dev.bankidPort)).toBe(401);
    if (dialect === 'sqlite') {
      expect(existsSync(join(cwd, 'idbridge.db'))).toBe(true);
    } else {
      expect(existsSync(join(cwd, 'idbridge.db'))).toBe(false);
      // The database named by IDBRIDGE_DATABASE_URL holds dev's demo customer.
      const customers = await cliJson<any[]>(['customers', 'list', '--json'], env);
      expect(customers.map((c) => c.name)).toContain('Demo shop');
    }
    await dev.stop();
    // A restart: the same demo key, and what was stored is still readable (the key was kept).
    const again = await dev.start();
    expect(again.key).toBe(first.key);
    const read = await api.read(s.id);
    expect(read.status).toBe('complete');
    expect(read.result.identity.full_name).toBe(name);
    // Kept outside the database: beside the SQLite file, or under .idbridge/dev/ for PostgreSQL.
    if (dialect === 'sqlite') expect(existsSync(join(cwd, 'idbridge.db.key'))).toBe(true);
    else expect(readdirSync(join(cwd, '.idbridge', 'dev')).filter((f) => f.endsWith('.key'))).toHaveLength(1);
  }, 240_000);

  it('the demo merchant page shows both integrations: a full-page redirect and an iframe', async () => {
    const merchant = `http://127.0.0.1:${dev!.port + 1}`;
    const home = await request(`${merchant}/`);
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/<form[^>]*action="\/start"/);
    expect(home.text).toMatch(/<form[^>]*action="\/embed"/);
    // Full page: the merchant creates a session and redirects the browser to the broker's page.
    const started = await request(`${merchant}/start`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=demo' });
    expect(started.status).toBe(303);
    const location = started.headers.get('location')!;
    expect(location.startsWith(`http://localhost:${dev!.port}/`) || location.startsWith(`http://127.0.0.1:${dev!.port}/`)).toBe(true);
    const page = await request(location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Demo shop');
    // Iframe: the merchant page embeds the broker's page, which allows the merchant as frame ancestor.
    const embedded = await request(`${merchant}/embed`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=demo' });
    expect(embedded.status).toBe(200);
    const src = /<iframe[^>]*src="([^"]+)"/.exec(embedded.text)?.[1].replace(/&amp;/g, '&');
    expect(src).toBeDefined();
    const framed = await request(src!);
    expect(framed.status).toBe(200);
    expect(framed.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors[^;]*http://localhost:${dev!.port + 1}`));
  }, 60_000);
});

describe('API.md §1 idbridge dev with IDBRIDGE_DATABASE_URL=sqlite:PATH', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'idbridge-dev-cwd-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'idbridge-dev-db-'));
  let dev: DevProcess | null = null;
  afterAll(async () => {
    await dev?.stop();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('uses that database (and keeps its key beside it), not ./idbridge.db', async () => {
    const path = join(elsewhere, 'chosen.db');
    const env = { IDBRIDGE_DATABASE_URL: `sqlite:${path}` };
    dev = new DevProcess(cwd, await freePortPair(), await freePort(), env);
    const run = await dev.start();
    expect(run.out).toContain(path);
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.key`)).toBe(true);
    expect(existsSync(join(cwd, 'idbridge.db'))).toBe(false);
    const customers = await cliJson<any[]>(['customers', 'list', '--json'], env);
    expect(customers.map((c) => c.name)).toContain('Demo shop');
    expect((await new Api(`http://127.0.0.1:${dev.port}`, run.key).post('/v1/sessions', { method: 'demo', target: run.target })).status).toBe(201);
  }, 120_000);
});
