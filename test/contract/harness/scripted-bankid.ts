// A scripted stand-in for BankID's RP API v6 (auth, sign, collect, cancel over HTTPS), for what the
// simulator cannot be made to do from outside: answer collect with any hint code the test sets
// (`noClient`, `userMrtd`, a hint BankID may add later), and show the exact request bodies the
// broker sent (endUserIp). Its certificate is self-signed by `openssl` for 127.0.0.1; the broker
// is pointed at it with IDBRIDGE_BANKID_URL and IDBRIDGE_BANKID_CA as at any BankID server.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScriptedOrder {
  orderRef: string;
  endpoint: 'auth' | 'sign';
  /** The request body the broker sent (endUserIp, requirement, returnUrl, …). */
  request: Record<string, any>;
  /** What the next collect answers: `pending` with `hint`, or `failed` with `hint`. */
  status: 'pending' | 'failed';
  hint: string;
  cancelled: boolean;
}

export interface ScriptedCall {
  endpoint: string;
  body: Record<string, any>;
  at: number;
}

export class ScriptedBankId {
  readonly orders = new Map<string, ScriptedOrder>();
  readonly calls: ScriptedCall[] = [];
  private server!: Server;
  private dir = '';
  caPath = '';
  rpUrl = '';

  /** Environment for `serve` that makes this the broker's BankID. */
  get serveEnv(): Record<string, string> {
    return { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: this.rpUrl, IDBRIDGE_BANKID_CA: this.caPath };
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'idbridge-scripted-bankid-'));
    const key = join(this.dir, 'key.pem');
    this.caPath = join(this.dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', this.caPath, '-days', '2',
      '-subj', '/CN=scripted-bankid', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    this.server = createServer({ key: readFileSync(key), cert: readFileSync(this.caPath) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const endpoint = (req.url ?? '').replace(/^\/rp\/v6\.0\//, '');
        let body: Record<string, any> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          body = {};
        }
        this.calls.push({ endpoint, body, at: Date.now() });
        const [status, answer] = this.answer(endpoint, body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.rpUrl = `https://127.0.0.1:${(this.server.address() as { port: number }).port}/rp/v6.0`;
    return this;
  }

  private answer(endpoint: string, body: Record<string, any>): [number, unknown] {
    const noSuchOrder: [number, unknown] = [400, { errorCode: 'invalidParameters', details: 'No such order' }];
    if (endpoint === 'auth' || endpoint === 'sign') {
      const order: ScriptedOrder = { orderRef: randomUUID(), endpoint, request: body, status: 'pending', hint: 'outstandingTransaction', cancelled: false };
      this.orders.set(order.orderRef, order);
      return [200, { orderRef: order.orderRef, autoStartToken: randomUUID(), qrStartToken: randomUUID(), qrStartSecret: randomUUID() }];
    }
    const order = this.orders.get(String(body.orderRef));
    if (!order || order.cancelled) return noSuchOrder;
    if (endpoint === 'collect') return [200, { orderRef: order.orderRef, status: order.status, hintCode: order.hint }];
    if (endpoint === 'cancel') {
      order.cancelled = true;
      return [200, {}];
    }
    return [404, { errorCode: 'notFound', details: 'Not found' }];
  }

  /** Orders in the order they were made. */
  list(): ScriptedOrder[] {
    return [...this.orders.values()];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
