import { afterEach, describe, expect, it } from 'vitest';
import { createConnectionPools } from '../../src/webhooks/connection-pools.js';
import { sendWebhook } from '../../src/webhooks/sender.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const receivers: Receiver[] = [];
const pools = createConnectionPools();
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const loopback = { address: '127.0.0.1', family: 4 as const, pools };
const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1' };

describe('sendWebhook', () => {
  it('posts the body and headers, and reports status, duration and an excerpt', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000));
    });
    const result = await sendWebhook({ ...loopback, url: r.url, headers, body: '{"a":1}' });
    expect(result).toMatchObject({ status: 200, error: null, retry_after_ms: null });
    expect(result.response_excerpt).toHaveLength(1024);
    expect(result.duration_ms).toBeGreaterThan(0);
    expect(r.requests[0]).toMatchObject({ method: 'POST', url: '/hooks', body: '{"a":1}' });
    expect(r.requests[0].headers['webhook-id']).toBe('msg_1');
  });

  it('connects to the pinned address, never asking DNS, while Host keeps the URL name', async () => {
    const r = await receiver();
    // `hook.invalid` cannot resolve anywhere (RFC 6761): success proves no lookup happened.
    const result = await sendWebhook({ ...loopback, url: `http://hook.invalid:${r.port}/in`, headers, body: '{}' });
    expect(result.status).toBe(204);
    expect(r.requests[0].headers.host).toBe(`hook.invalid:${r.port}`);
  });

  it('tries every checked address in turn (e.g. ::1 then 127.0.0.1 for localhost)', async () => {
    const r = await receiver();
    const addresses = [{ address: '127.0.0.2', family: 4 as const }, { address: '127.0.0.1', family: 4 as const }];
    // Nothing listens on 127.0.0.2: the connect falls through to the second checked address.
    const result = await sendWebhook({ ...loopback, addresses, url: `http://dual.invalid:${r.port}/`, headers, body: '{}' });
    expect(result.status).toBe(204);
  });

  it('treats 3xx as failure and never follows it (the second listener gets nothing)', async () => {
    const target = await receiver();
    const r = await receiver((_req, res) => {
      // A loopback listener stands in for 169.254.169.254.
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/latest/meta-data/` }).end();
    });
    const result = await sendWebhook({ ...loopback, url: r.url, headers, body: '{}' });
    expect(result.status).toBe(302);
    expect(result.error).toMatch(/redirect 302 not followed/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(target.requests).toHaveLength(0);
  });

  it('times out with the configured budget and reports it', async () => {
    const r = await receiver((_req, res) => {
      setTimeout(() => res.writeHead(200).end(), 3_000).unref();
    });
    const result = await sendWebhook({ ...loopback, url: r.url, headers, body: '{}', timeoutMs: 200 });
    expect(result).toMatchObject({ status: null, error: 'timeout after 200 ms' });
    expect(result.duration_ms).toBeLessThan(2_000);
  });

  it('never throws for network errors: refused and reset connections', async () => {
    const r = await receiver(() => 'down');
    const reset = await sendWebhook({ ...loopback, url: r.url, headers, body: '{}' });
    expect(reset.status).toBeNull();
    expect(reset.error).toBeTruthy();
    const closed = await receiver();
    await closed.close();
    const refused = await sendWebhook({ ...loopback, url: closed.url, headers, body: '{}' });
    expect(refused).toMatchObject({ status: null });
    expect(refused.error).toMatch(/ECONNREFUSED/);
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(503, { 'retry-after': '120' }).end('busy');
    });
    const seconds = await sendWebhook({ ...loopback, url: r.url, headers, body: '{}' });
    expect(seconds).toMatchObject({ status: 503, error: 'HTTP 503', retry_after_ms: 120_000, response_excerpt: 'busy' });
    r.respond((_req, res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    });
    const date = await sendWebhook({ ...loopback, url: r.url, headers, body: '{}' });
    expect(date.retry_after_ms).toBeGreaterThan(55_000);
    expect(date.retry_after_ms).toBeLessThanOrEqual(60_000);
  });
});
