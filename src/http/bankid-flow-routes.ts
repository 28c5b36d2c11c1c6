// The BankID step of the workflow page (API.md §4): the QR code of this second and the
// same-device start. Both are bound to the browser like the page's other script calls.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import type { Session } from '../core/types.js';
import { sameDeviceStart } from '../providers/bankid-se/index.js';
import type { HttpDeps } from './deps.js';
import { qrImage, qrNow } from './bankid-qr.js';
import { browserStart } from './browser-start.js';
import { requireBinding } from './flow-binding.js';
import { parse } from './validate.js';

const Token = z.object({ token: z.string().min(10).max(64) });

export async function bankIdFlowRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { store, svc, driver, config } = deps;
  const pageLimit = config.rateLimitPages > 0 ? { max: config.rateLimitPages * 2, timeWindow: 60_000 } : false;

  async function load(req: FastifyRequest): Promise<Session> {
    const { token } = parse(Token, req.params);
    const s = await store.getSessionByPageToken(token);
    if (!s || s.flow !== 'browser' || s.method !== 'se-bankid') throw new ApiError('not_found', 'No such session.');
    requireBinding(req, s);
    return svc.expireIfDue(s);
  }

  // Polled once a second while the QR code shows: JSON so the page can send its binding header.
  app.get('/flow/:token/bankid/qr', { config: { rateLimit: pageLimit } }, async (req, reply) => {
    const qr = qrNow(driver, await load(req), req.ip);
    reply.header('cache-control', 'no-store');
    return { ...qr, svg: await qrImage(qr) };
  });

  // The answer "this device" on a session not started yet starts the order here too, so the app
  // opens one round trip after the tap rather than two (iOS may stop counting a later one as the tap).
  app.post('/flow/:token/bankid/autostart', { config: { rateLimit: pageLimit } }, async (req) => {
    let s = await load(req);
    if (s.status === 'created') s = await driver.start(s, browserStart(req, s, config.publicUrl));
    const r = await svc.apply(s.id, (cur) => {
      const marked = cur.status === 'pending' && cur.provider_state ? sameDeviceStart(cur.provider_state, cur.options.locale) : null;
      return marked ? { type: 'progress', provider_state: marked.state, progress: marked.progress } : null;
    });
    const cur = r?.session ?? s;
    return { status: cur.status, version: cur.version, progress: cur.progress, view: driver.view(cur, req.ip) };
  });
}
