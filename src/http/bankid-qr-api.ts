// GET /v1/sessions/{id}/qr (API.md §3): the headless caller's animated QR code, as JSON
// `{qr_data, refresh_after_ms}` or `?format=svg`; 409 qr_not_available once past the scan step.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import type { HttpDeps } from './deps.js';
import { qrImage, qrNow } from './bankid-qr.js';
import { qrSchema } from './schemas/sessions-api.js';
import { parse } from './validate.js';

const Params = z.object({ id: z.string().min(1).max(128) });
const Query = z.object({ format: z.enum(['json', 'svg']).default('json') }).strict();

export async function bankIdQrApi(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  app.addHook('onRequest', deps.authenticate);
  app.get('/v1/sessions/:id/qr', { schema: { summary: 'Headless BankID: the animated QR code of this second', ...qrSchema(Query) } }, async (req, reply) => {
    const { id } = parse(Params, req.params);
    const { format } = parse(Query, req.query);
    const s = await deps.svc.read(req.customer.id, id);
    // A browser-flow session shows its QR code on the workflow page only.
    if (s.flow !== 'headless') throw new ApiError('qr_not_available', 'Browser-flow sessions show their QR code on the workflow page.');
    const qr = qrNow(deps.driver, s, null);
    reply.header('cache-control', 'no-store');
    if (format === 'svg') return reply.type('image/svg+xml').send(await qrImage(qr));
    return qr;
  });
}
