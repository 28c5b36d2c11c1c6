// Builds the Fastify application: one encapsulated plugin per route group (DESIGN.md).
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';
import { ApiError } from '../core/errors.js';
import type { HttpDeps } from './deps.js';
import { registerErrorHandling } from './errors.js';
import { registerSecurityHeaders } from './security-headers.js';
import { flowRoutes } from './flow-routes.js';
import { merchantApi } from './merchant-api.js';
import { oidcRoutes } from './oidc-routes.js';
import { openApiOptions } from './openapi-document.js';
import { opsRoutes } from './ops.js';
import { addComponentSchemas } from './schemas/components.js';
import { webhookRoutes } from './webhook-routes.js';

export interface AppOptions {
  /** Role `worker` (serve --role worker) answers only the operator endpoints. */
  opsOnly?: boolean;
  /** A pino logger (redacting); none = silent. */
  logger?: FastifyBaseLogger;
  extraPlugins?: ((app: FastifyInstance, deps: HttpDeps) => Promise<void>)[];
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes a pino child (with the request id) only when a line at an
 * enabled level is written. Fastify otherwise makes a child per request, which an open long-poll or
 * event stream keeps for as long as it is open (bench scenario 7), mostly to log nothing.
 */
class LazyRequestLogger {
  private real: FastifyBaseLogger | null = null;
  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings) {}

  private get logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings));
  }
  private write(level: LogMethod, args: unknown[]): void {
    const enabled = (this.real ?? this.parent) as FastifyBaseLogger & { isLevelEnabled?: (l: string) => boolean };
    if (typeof enabled.isLevelEnabled === 'function' && !enabled.isLevelEnabled(level)) return;
    (this.logger[level] as (...a: unknown[]) => void)(...args);
  }
  get level(): string {
    return (this.real ?? this.parent).level;
  }
  set level(level: string) {
    this.logger.level = level;
  }
  fatal(...args: unknown[]): void { this.write('fatal', args); }
  error(...args: unknown[]): void { this.write('error', args); }
  warn(...args: unknown[]): void { this.write('warn', args); }
  info(...args: unknown[]): void { this.write('info', args); }
  debug(...args: unknown[]): void { this.write('debug', args); }
  trace(...args: unknown[]): void { this.write('trace', args); }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

function requestLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  // A route's own level or serializers: the child pino would make, at once.
  if (opts.level || opts.serializers) return logger.child(bindings, opts);
  return new LazyRequestLogger(logger, bindings) as unknown as FastifyBaseLogger;
}

export async function buildApp(deps: HttpDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger, childLoggerFactory: requestLogger } : { logger: false }),
    bodyLimit: 64 * 1024,
    trustProxy: deps.config.trustProxy.length ? deps.config.trustProxy : false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  // Route schemas document the API (OpenAPI); zod validates inside the handlers, where each
  // failure becomes a field-level invalid_request (API.md §6). Answers are written as the handlers
  // built them (JSON.stringify, as without a schema): a response schema never drops or reshapes a
  // field (identity.raw, metadata are open) and costs a read nothing.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandling(app);
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new ApiError('rate_limited', `Rate limit reached; retry in ${Math.ceil(ctx.ttl / 1000)} s.`, undefined, { 'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))) }),
  });
  await app.register(swagger, openApiOptions(deps.config));
  addComponentSchemas(app);
  if (opts.opsOnly) {
    const OPS = new Set(['/healthz', '/readyz', '/metrics']);
    app.addHook('onRequest', async (req) => {
      if (!OPS.has(req.url.split('?')[0])) throw new ApiError('not_found', 'This node runs background work only (role worker).');
    });
  }
  app.addHook('onResponse', (req, reply, done) => {
    deps.metrics.observeHttp(req.routeOptions.url ?? 'unknown', req.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // JSON only on /v1: Fastify's text/plain parser goes too (no form parser is registered: no broker
  // route takes a form post), so any other body answers 415 unsupported_media_type.
  // An empty body passes whatever its type: many HTTP clients label a body-less POST (a cancel) as a
  // form, and refusing that would break merchants for nothing.
  const jsonOnly = (routes: (scope: FastifyInstance, deps: HttpDeps) => Promise<void>) => async (scope: FastifyInstance) => {
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
      if (body.length === 0) done(null, undefined);
      else done(new ApiError('unsupported_media_type', 'Send application/json.'), undefined);
    });
    await routes(scope, deps);
  };
  await app.register(jsonOnly(merchantApi));
  await app.register(jsonOnly(webhookRoutes));
  // Cookies only where pages use them: @fastify/cookie gives every request it sees a Map and a parsed
  // object, which an open long-poll or event stream of the merchant API would keep while it waits.
  const withCookies = (routes: (scope: FastifyInstance, deps: HttpDeps) => Promise<void>) => async (scope: FastifyInstance) => {
    await scope.register(cookie);
    await routes(scope, deps);
  };
  await app.register(withCookies(flowRoutes));
  await app.register(withCookies(oidcRoutes));
  await app.register(async (scope) => opsRoutes(scope, deps));
  for (const plugin of opts.extraPlugins ?? []) await app.register(withCookies(plugin));
  return app;
}
