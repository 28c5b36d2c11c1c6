// Host process for scenario 7's floor: a server that holds every request open and does nothing
// else — bare node:http, or bare Fastify — so that the broker's memory per open wait can be read
// against what the platform itself costs per open request. A path ending in /events answers 200
// with one SSE comment line (as a stream's first write); any other path never answers (a long-poll).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { hostArgs, runHost } from '../lib/host.js';

await runHost(async () => {
  const { kind } = hostArgs<{ kind: 'node' | 'fastify' }>();
  let open = 0;
  const hold = (req: IncomingMessage, res: ServerResponse) => {
    open++;
    req.on('close', () => open--);
    if (req.url?.endsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
      res.write(': open\n\n');
    }
  };
  let url: string;
  let close: () => Promise<void>;
  if (kind === 'node') {
    const server = createServer(hold);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}`;
    close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  } else {
    const app = Fastify({ logger: false });
    app.get('/*', (req, reply) => {
      reply.hijack();
      hold(req.raw, reply.raw);
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
  }
  return { ready: { url, key: 'none' }, handlers: { openWaits: () => open }, close };
});
