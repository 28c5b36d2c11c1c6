// Security headers on every answer (pages and API alike). @fastify/helmet re-runs helmet(options)
// for every request — parsing the CSP directives and building ten middlewares each time, ≈ 9 % of a
// GET /v1/sessions/{id} in the profile — although the options never change. So the header set is
// taken once, at start-up, from @fastify/helmet itself (one injected request into a probe
// instance) and then set as is. A route that needs another CSP (the workflow page's
// frame-ancestors) still sets its own header, which wins as before.
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

/** What @fastify/helmet answers with these options, minus what any Fastify answer carries. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<[string, string][]> {
  const plain = Fastify({ logger: false });
  const probe = Fastify({ logger: false });
  await probe.register(fastifyHelmet, options);
  for (const app of [plain, probe]) app.get('/', async () => 'x');
  const [without, withHelmet] = await Promise.all([plain.inject('/'), probe.inject('/')]);
  await Promise.all([plain.close(), probe.close()]);
  return Object.entries(withHelmet.headers)
    .filter(([name, value]) => !(name in without.headers) && value !== undefined)
    .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]);
}

/**
 * A route that writes its answer on the raw response itself (an event stream, after
 * `reply.hijack()`) says so with `config: { rawResponse: true }`: its security headers are set on
 * the raw response. Every other answer gets them among Fastify's own reply headers, which Node then
 * writes in one go: a header set on the raw response first sends every header of the answer down
 * Node's slower path (each one through `setHeader`'s checks and map, ≈ 5 % of a GET's CPU).
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions): Promise<void> {
  const headers = await helmetHeaders(options);
  app.addHook('onRequest', (req, reply, done) => {
    if ((req.routeOptions.config as { rawResponse?: boolean } | undefined)?.rawResponse) {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
    } else {
      for (const [name, value] of headers) reply.header(name, value);
    }
    done();
  });
}
