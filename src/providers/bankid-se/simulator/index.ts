// The BankID RP API v6 simulator (API.md §7): HTTPS that asks for a client certificate, the RP
// API under `/rp/v6.0`, and the simulated phone app under `/app`.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../core/ids.js';
import { loadOrCreateCredentials } from './ca-store.js';
import { createAppHandler } from './app-routes.js';
import { CompletionFactory } from './completion.js';
import { FaultQueue, type Fault } from './faults.js';
import { sendJson } from './http-util.js';
import { OrderBook } from './order-book.js';
import type { OrderTiming } from './order.js';
import { PhoneApp } from './phone-app.js';
import { issueServer } from './pki.js';
import { createRpHandler, type RecordedCall } from './rp-api.js';

export interface BankIdSimulatorOptions {
  port?: number;
  host?: string;
  /** Keeps the CA and the RP client PKCS#12 across restarts (`DIR/ca.pem`, `DIR/client.p12`). */
  certsDir?: string;
  clock?: Clock;
  pathPrefix?: string;
  timing?: Partial<OrderTiming>;
}

export interface BankIdSimulator {
  /** `https://host:port`, without the RP path prefix. */
  url: string;
  /** `url` + the RP path prefix: the base URL for an RP client. */
  rpUrl: string;
  caPem: string;
  clientPfx: Buffer;
  clientPassphrase: string;
  calls: RecordedCall[];
  inject(fault: Fault): void;
  app: PhoneApp;
  orders: OrderBook;
  close(): Promise<void>;
}

export async function startBankIdSimulator(options: BankIdSimulatorOptions = {}): Promise<BankIdSimulator> {
  const host = options.host ?? '127.0.0.1';
  const prefix = (options.pathPrefix ?? '/rp/v6.0').replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const credentials = loadOrCreateCredentials(options.certsDir);
  const server = issueServer(credentials.ca, ['localhost', '127.0.0.1', '::1']);
  const book = new OrderBook(clock, options.timing);
  const faults = new FaultQueue();
  const calls: RecordedCall[] = [];
  const app = new PhoneApp(book, new CompletionFactory(credentials.ca, clock), clock);
  const rp = createRpHandler({ book, faults, clock, calls }, prefix);
  const appHandler = createAppHandler(app, calls);

  const https = createServer(
    // Ask for a client certificate without requiring one: /rp/* answers 401 itself (API.md §7).
    { key: server.keyPem, cert: server.certPem, ca: [credentials.ca.certPem], requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const path = new URL(req.url ?? '/', 'https://simulator').pathname;
      const handler = path === prefix || path.startsWith(`${prefix}/`) ? rp : path === '/app' || path.startsWith('/app/') ? appHandler : null;
      if (!handler) return sendJson(res, 404, { errorCode: 'notFound', details: 'Not found' });
      handler(req, res, path).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { errorCode: 'internalError', details: String(error) });
        else res.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = https.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `https://${shownHost}:${port}`;
  return {
    url,
    rpUrl: `${url}${prefix}`,
    caPem: credentials.ca.certPem,
    clientPfx: credentials.clientPfx,
    clientPassphrase: credentials.clientPassphrase,
    calls,
    inject: (fault) => faults.inject(fault),
    app,
    orders: book,
    close: () =>
      new Promise<void>((resolve) => {
        https.close(() => resolve());
        https.closeAllConnections();
      }),
  };
}

export { verifySimulatorSignature, type SignatureCheck } from './verify-signature.js';
export type { Fault } from './faults.js';
export type { RecordedCall } from './rp-api.js';
export { DEFAULT_TEST_PERSON } from './app-page.js';
