// The RP API v6.0 endpoints (reference §1.2–§1.5): mutual TLS, POST only, JSON without charset.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../../core/ids.js';
import type { CollectResponse } from '../types.js';
import { trustedClientCn } from './client-trust.js';
import type { FaultQueue } from './faults.js';
import { parseJsonObject, readBody, remoteIp, sendJson } from './http-util.js';
import type { NewOrder, OrderBook } from './order-book.js';
import type { SimOrder } from './order.js';
import { SimError } from './sim-error.js';
import { checkAuthOrSign, checkOrderRef, checkPhone } from './validate.js';

export interface RecordedCall {
  endpoint: string;
  /** Who called, as BankID itself can tell: the CN of the client certificate. */
  clientCn: string;
  /** The TLS connection's peer, `address:port` (one keep-alive connection is one client). */
  remote: string;
  /** The body's orderRef (collect, cancel), so that a test can follow one order's calls. */
  orderRef: string | null;
  at: Date;
  status: number;
}

interface RpDeps {
  book: OrderBook;
  faults: FaultQueue;
  clock: Clock;
  calls: RecordedCall[];
}

type Body = Record<string, unknown>;

const ENDPOINTS: Record<string, (deps: RpDeps, body: Body, cn: string) => unknown> = {
  auth: (d, b, cn) => orderAnswer(d.book.create(authOrder(b, 'auth', cn))),
  sign: (d, b, cn) => orderAnswer(d.book.create(authOrder(b, 'sign', cn))),
  'phone/auth': (d, b, cn) => ({ orderRef: d.book.create(phoneOrder(b, 'auth', cn)).orderRef }),
  'phone/sign': (d, b, cn) => ({ orderRef: d.book.create(phoneOrder(b, 'sign', cn)).orderRef }),
  collect: (d, b) => collectAnswer(d.book.collect(checkOrderRef(b))),
  cancel: (d, b) => {
    d.book.cancel(checkOrderRef(b));
    return {};
  },
};

function authOrder(body: Body, kind: 'auth' | 'sign', rpName: string): NewOrder {
  const checked = checkAuthOrSign(body, kind);
  return { kind, callInitiator: null, rpName, ...checked };
}

function phoneOrder(body: Body, kind: 'auth' | 'sign', rpName: string): NewOrder {
  const { callInitiator, ...checked } = checkPhone(body, kind);
  return { kind, callInitiator, endUserIp: null, returnRisk: false, returnUrl: null, rpName, ...checked };
}

function orderAnswer(order: SimOrder) {
  const { orderRef, autoStartToken, qrStartToken, qrStartSecret } = order;
  return { orderRef, autoStartToken, qrStartToken, qrStartSecret };
}

function collectAnswer(order: SimOrder): CollectResponse {
  if (order.status === 'complete' && order.completionData) {
    return { orderRef: order.orderRef, status: 'complete', completionData: order.completionData };
  }
  return { orderRef: order.orderRef, status: order.status as 'pending' | 'failed', hintCode: order.hintCode };
}

const fail = (res: ServerResponse, status: number, errorCode: string, details: string) =>
  sendJson(res, status, { errorCode, details });

export function createRpHandler(deps: RpDeps, prefix: string) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const cn = trustedClientCn(req);
    if (cn === null) return fail(res, 401, 'unauthorized', 'A trusted client certificate is required');
    const endpoint = path.slice(prefix.length + 1);
    const handler = ENDPOINTS[endpoint];
    const remote = `${remoteIp(req)}:${req.socket.remotePort ?? 0}`;
    let orderRef: string | null = null;
    const record = (status: number) => deps.calls.push({ endpoint, clientCn: cn, remote, orderRef, at: deps.clock.now(), status });
    if (!handler) return record(404), fail(res, 404, 'notFound', 'Not found');
    if (req.method !== 'POST') return record(405), fail(res, 405, 'methodNotAllowed', 'Method not allowed');
    // BankID accepts exactly application/json; a charset parameter is refused (reference §1.5).
    if ((req.headers['content-type'] ?? '').trim().toLowerCase() !== 'application/json') {
      return record(415), fail(res, 415, 'unsupportedMediaType', 'Unsupported media type');
    }
    const fault = deps.faults.take(endpoint);
    if (fault) return record(fault.status), sendJson(res, fault.status, fault.body, fault.headers);
    const body = parseJsonObject(await readBody(req));
    if (!body) return record(400), fail(res, 400, 'invalidParameters', 'Invalid JSON');
    if (typeof body.orderRef === 'string') orderRef = body.orderRef;
    try {
      const answer = handler(deps, body, cn);
      record(200);
      sendJson(res, 200, answer);
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      record(error.status);
      fail(res, error.status, error.code, error.details);
    }
  };
}
