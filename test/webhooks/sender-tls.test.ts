// HTTPS to a pinned address: SNI and certificate checks use the URL's host name, not the address.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionPools } from '../../src/webhooks/connection-pools.js';
import { sendWebhook } from '../../src/webhooks/sender.js';

let dir: string;
let cert: Buffer;
let server: Server;
let port: number;
const seen: Array<{ servername: string | false | null; host: string | undefined }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idbridge-webhook-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=hook.test', '-addext', 'subjectAltName=DNS:hook.test',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    seen.push({ servername: (req.socket as import('node:tls').TLSSocket).servername, host: req.headers.host });
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('sendWebhook over TLS', () => {
  it('sends SNI and Host for the URL name while connecting to the checked address', async () => {
    const pools = createConnectionPools({ tls: { ca: cert } });
    const result = await sendWebhook({ url: `https://hook.test:${port}/h`, address: '127.0.0.1', family: 4, headers: {}, body: '{}', pools });
    await pools.close();
    expect(result).toMatchObject({ status: 204, error: null });
    expect(seen.at(-1)).toEqual({ servername: 'hook.test', host: `hook.test:${port}` });
  });

  it('fails when the certificate does not name the URL host', async () => {
    const pools = createConnectionPools({ tls: { ca: cert } });
    const result = await sendWebhook({ url: `https://other.test:${port}/h`, address: '127.0.0.1', family: 4, headers: {}, body: '{}', pools });
    await pools.close();
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/);
  });
});
