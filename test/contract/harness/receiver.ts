// A merchant's webhook receiver on 127.0.0.1: records every request; answers what the test says.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export class Receiver {
  received: Received[] = [];
  /** Status to answer per path (default 200; 0 = never answer); a function may decide per request. */
  answers = new Map<string, number | ((r: Received) => number)>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(r);
        const a = this.answers.get(r.path) ?? 200;
        const status = typeof a === 'function' ? a(r) : a;
        if (status === 0) return; // hold the request open, as a stuck receiver does
        if (status >= 300 && status < 400) res.setHeader('location', `${this.url}/redirected`);
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async waitFor(test: () => boolean, timeoutMs = 15_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (test()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return test();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
