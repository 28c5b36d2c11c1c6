// Every error leaves as application/problem+json with a stable code (API.md §2, §6).
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, problem } from '../core/errors.js';

export function sendProblem(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
  return reply.code(err.status).type('application/problem+json').send(problem(err));
}

/** Maps Fastify's own errors (body parser, size limit, content type) onto our codes. */
function fromFastify(err: FastifyError): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'The body is over 64 KiB.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Send application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_request', 'The body is not valid JSON.', [{ field: '(body)', message: err.message }]);
    default:
      if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
        return new ApiError('invalid_request', 'The body is not valid JSON.', [{ field: '(body)', message: err.message }]);
      }
      if (err.validation) return new ApiError('invalid_request', err.message);
      if (err.statusCode === 429) return new ApiError('rate_limited', 'Too many requests.');
      return null;
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) return sendProblem(reply, err);
    const mapped = fromFastify(err);
    if (mapped) return sendProblem(reply, mapped);
    if (isDatabaseDown(err)) {
      req.log.warn({ err: err.message }, 'database unavailable');
      return sendProblem(reply, new ApiError('service_unavailable', 'The database is unavailable; retry.', undefined, { 'retry-after': '1' }));
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return sendProblem(reply, new ApiError('internal_error', 'Internal error.'));
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, new ApiError('not_found', 'No such resource.')));
}

function isDatabaseDown(err: Error & { code?: string }): boolean {
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08003', 'SQLITE_BUSY'].includes(err.code ?? '') || /Connection terminated|timeout exceeded when trying to connect/.test(err.message);
}
