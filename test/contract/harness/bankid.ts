// `idbridge bankid-simulator` as its own process, and the pieces an outside BankID client needs:
// mutual TLS with the client certificate it writes, and BankID's published animated-QR algorithm.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, Running, sleep } from './processes.js';

export interface Simulator {
  url: string;
  rpUrl: string;
  dir: string;
  ca: string;
  clientPfx: Buffer;
  passphrase: string;
  proc: Running;
  stop(): Promise<void>;
}

export async function startSimulator(): Promise<Simulator> {
  const dir = mkdtempSync(join(tmpdir(), 'idbridge-bankid-'));
  const port = await freePort();
  const proc = Running.start(['bankid-simulator', '--port', String(port), '--certs', dir], {});
  const deadline = Date.now() + 30_000;
  while (!['ca.pem', 'client.p12', 'client-passphrase.txt'].every((f) => existsSync(join(dir, f))) || !(await listening(port))) {
    if (proc.child.exitCode !== null) throw new Error(`bankid-simulator exited: ${proc.stderr}`);
    if (Date.now() > deadline) throw new Error(`bankid-simulator not up: ${proc.stderr}${proc.stdout}`);
    await sleep(150);
  }
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    rpUrl: `${url}/rp/v6.0`,
    dir,
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    clientPfx: readFileSync(join(dir, 'client.p12')),
    passphrase: readFileSync(join(dir, 'client-passphrase.txt'), 'utf8').trim(),
    proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/app', rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export interface HttpsRes {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS call to the simulator, trusting its CA; with `client` it presents that certificate. */
export function simCall(sim: Simulator, method: string, path: string, body?: unknown, client?: { pfx: Buffer; passphrase: string } | null, extra: RequestOptions = {}): Promise<HttpsRes> {
  const u = new URL(`${sim.url}${path}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        ca: sim.ca,
        ...(client ? { pfx: client.pfx, passphrase: client.passphrase } : {}),
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        agent: false,
        ...extra,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: any = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** BankID's animated QR code: bankid.<qrStartToken>.<seconds>.<HMAC-SHA256(qrStartSecret, seconds) hex>. */
export function qrData(qrStartToken: string, qrStartSecret: string, seconds: number): string {
  const code = createHmac('sha256', qrStartSecret).update(String(seconds)).digest('hex');
  return `bankid.${qrStartToken}.${seconds}.${code}`;
}

/** Valid Swedish test personal numbers (Luhn over the last ten digits). */
export const PERSON = '199001011239';
export const OTHER_PERSON = '198507142399';

export function luhnCheckDigitValid(pnr: string): boolean {
  const ten = pnr.slice(2);
  let sum = 0;
  for (let i = 0; i < ten.length; i++) {
    let d = Number(ten[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}
