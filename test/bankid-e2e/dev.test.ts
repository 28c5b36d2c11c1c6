// `idbridge dev` as a separate process (API.md §1): it starts the BankID simulator on
// --bankid-port, wires se-bankid to it and prints its app page; a headless order completes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { PERSON } from './support.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('idbridge dev with BankID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idbridge-dev-'));
  let child: ChildProcess | null = null;
  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the simulator and its app page, and completes a headless order scanned there', async () => {
    const [port, bankidPort, merchantPort] = [await freePort(), await freePort(), await freePort()];
    child = spawn(process.execPath, [BIN, 'dev', '--port', String(port), '--bankid-port', String(bankidPort), '--merchant-port', String(merchantPort)], {
      cwd: dir, env: { ...process.env, IDBRIDGE_DATABASE_URL: `sqlite:${join(dir, 'dev.db')}`, IDBRIDGE_LOG_LEVEL: 'warn' },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    await expect.poll(() => out, { timeout: 45_000, interval: 200 }).toContain('BankID app:');
    expect(out).toContain(`BankID RP API:   https://127.0.0.1:${bankidPort}/rp/v6.0`);
    expect(out).toContain(`BankID app:      https://127.0.0.1:${bankidPort}/app`);
    expect(out).toMatch(/methods: .*se-bankid/);
    const key = /demo API key:\s+(\S+)/.exec(out)![1];
    const api = async (path: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      });
      return res.json() as Promise<any>;
    };
    const s = await api('/v1/sessions', { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1' });
    expect(s).toMatchObject({ status: 'pending', launch: { auto_start_token: expect.any(String) } });
    const { qr_data } = await api(`/v1/sessions/${s.id}/qr`);
    // dev keeps the simulator's certificates under its working directory; trust only its CA.
    const agent = new Agent({ connect: { ca: readFileSync(join(dir, '.idbridge/bankid-simulator/ca.pem')) } });
    const scanned = await request(`https://127.0.0.1:${bankidPort}/app/scan`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qr_data, personal_number: PERSON, action: 'approve' }),
    });
    expect(scanned.statusCode).toBe(200);
    await scanned.body.text();
    await agent.close();
    await expect.poll(async () => (await api(`/v1/sessions/${s.id}`)).status, { timeout: 8000, interval: 300 }).toBe('complete');
  }, 70_000);
});
