// A stand-in merchant website on its own origin: a target page and a page that embeds the flow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MerchantSite {
  origin: string;
  close(): Promise<void>;
}

const EMBED = (src: string) => `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
<iframe id="flow" src="${src.replace(/"/g, '&quot;')}" style="width:480px;height:600px"></iframe>
<script>window.__messages = []; window.addEventListener('message', function (e) { window.__messages.push({ origin: e.origin, data: e.data }); });</script>
</body></html>`;

/** Listens on `localhost`, so it is another site than the broker on 127.0.0.1. */
export async function startMerchantSite(): Promise<MerchantSite> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/embed') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(EMBED(url.searchParams.get('src') ?? ''));
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><html><body><h1 id="landed">${url.pathname}</h1></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { origin: `http://localhost:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
