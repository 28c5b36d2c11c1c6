// Host process for scenario 1: a bare Fastify route answering a fixed JSON object of the size of a
// session read — the ceiling any Fastify-based API on this machine can reach.
import Fastify from 'fastify';
import { hostArgs, runHost } from '../lib/host.js';

await runHost(async () => {
  const { payload } = hostArgs<{ payload: Record<string, unknown> }>();
  const app = Fastify({ logger: false });
  // Serialised per request, as the broker does for each read.
  app.get('/v1/sessions/:id', async () => ({ ...payload }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { ready: { url, bytes: Buffer.byteLength(JSON.stringify(payload)) }, handlers: {}, close: () => app.close() };
});
