// HTTP face of the simulated app: GET /app (page), GET /app/orders, POST /app/scan,
// POST /app/autostart, POST /app/orders/{orderRef}; and for tests GET /app/calls?order_ref=…,
// the RP API calls the simulator received (who called, when), as a simulator run as its own
// process can show them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appPage } from './app-page.js';
import { parseJsonObject, readBody, remoteIp, sendHtml, sendJson } from './http-util.js';
import type { AppAction } from './order-book.js';
import type { SimOrder } from './order.js';
import type { AppRequest, PhoneApp } from './phone-app.js';
import type { RecordedCall } from './rp-api.js';
import { SimError } from './sim-error.js';

type Body = Record<string, unknown>;

function appRequest(body: Body, req: IncomingMessage): AppRequest {
  return {
    personalNumber: String(body.personal_number ?? ''),
    action: String(body.action ?? 'approve') as AppAction,
    ipAddress: typeof body.ip_address === 'string' ? body.ip_address : remoteIp(req),
  };
}

export function orderView(order: SimOrder) {
  return {
    order_ref: order.orderRef,
    kind: order.kind,
    phone: order.callInitiator !== null,
    status: order.status,
    hint_code: order.hintCode,
    rp_name: order.rpName,
    visible_text: order.userVisibleData ? Buffer.from(order.userVisibleData, 'base64').toString('utf8') : null,
    requires_personal_number: order.requiredPersonalNumber !== null,
    person: order.person,
    return_url: order.returnUrl,
  };
}

const POSTS: Record<string, (app: PhoneApp, body: Body, req: IncomingMessage) => SimOrder> = {
  '/app/scan': (app, body, req) => app.scan(String(body.qr_data ?? ''), appRequest(body, req)),
  '/app/autostart': (app, body, req) => app.autostart(String(body.auto_start_token ?? ''), appRequest(body, req)),
};

function callsView(calls: RecordedCall[], req: IncomingMessage) {
  const orderRef = new URL(req.url ?? '/', 'https://simulator').searchParams.get('order_ref');
  const chosen = orderRef ? calls.filter((c) => c.orderRef === orderRef) : calls;
  return {
    data: chosen.map((c) => ({
      endpoint: c.endpoint, order_ref: c.orderRef, client_cn: c.clientCn, remote: c.remote, at: c.at.toISOString(), status: c.status,
    })),
  };
}

export function createAppHandler(app: PhoneApp, calls: RecordedCall[] = []) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method === 'GET' && (path === '/app' || path === '/app/')) return sendHtml(res, appPage());
    if (req.method === 'GET' && path === '/app/orders') return sendJson(res, 200, { data: app.pending().map(orderView) });
    if (req.method === 'GET' && path === '/app/calls') return sendJson(res, 200, callsView(calls, req));
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed', message: 'Use POST' });
    const body = parseJsonObject(await readBody(req, 64_000));
    if (!body) return sendJson(res, 400, { error: 'invalid_json', message: 'Send a JSON object' });
    const byRef = /^\/app\/orders\/([\w-]+)$/.exec(path);
    const handler = byRef ? (a: PhoneApp, b: Body, r: IncomingMessage) => a.actOn(byRef[1], appRequest(b, r)) : POSTS[path];
    if (!handler) return sendJson(res, 404, { error: 'not_found', message: 'No such path' });
    try {
      sendJson(res, 200, orderView(handler(app, body, req)));
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      sendJson(res, error.status, { error: error.code, message: error.details });
    }
  };
}
