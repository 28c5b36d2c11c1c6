// Debian's Chromium through playwright-core (never a downloaded browser), and a merchant site on
// 127.0.0.1 that serves its return page and a page embedding the workflow in an iframe.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `http://localhost:PORT`: a different site from the broker at 127.0.0.1, as a real merchant is. */
export class MerchantSite {
  private server!: Server;
  port = 0;
  get origin(): string {
    return `http://localhost:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (u.pathname === '/embed') {
        const src = u.searchParams.get('src') ?? '';
        // Records every message the parent receives, with its origin.
        res.end(`<!doctype html><html><body><h1>Merchant</h1><script>window.messages=[];window.addEventListener('message',function(e){window.messages.push({origin:e.origin,data:e.data});});</script><iframe id="eid" src="${src.replace(/"/g, '&quot;')}" width="600" height="600"></iframe></body></html>`);
        return;
      }
      res.end(`<!doctype html><html><body><h1>Returned</h1></body></html>`);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
