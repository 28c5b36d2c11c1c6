import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, type Resolver } from '../../src/webhooks/ssrf-guard.js';

// Documentation and public addresses; the guard never connects, it only judges.
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:4700::6810:84e5';
const DNS: Record<string, string[]> = {
  'hook.test': [PUBLIC_V4],
  'hook6.test': [PUBLIC_V6],
  'metadata.test': ['169.254.169.254'],
  'internal.test': ['10.0.0.5'],
  'loop.test': ['127.0.0.1'],
  'mixed.test': [PUBLIC_V4, '192.168.1.10'],
  'mapped.test': ['::ffff:10.0.0.1'],
  'cgnat.test': ['100.64.3.4'],
  'empty.test': [],
};
function fakeResolver(calls: string[] = []): Resolver {
  return async (host) => {
    calls.push(host);
    const answers = DNS[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const refusedPublic: Array<[string, RegExp]> = [
  ['http://hook.test/', /scheme http/],
  ['ftp://hook.test/', /scheme ftp/],
  ['javascript:alert(1)', /scheme/],
  ['not a url', /absolute URL/],
  ['https://user:pw@hook.test/', /credentials/],
  ['https://127.0.0.1/', /loopback/],
  ['https://[::1]/', /loopback/],
  ['https://2130706433/', /127\.0\.0\.1 is in the loopback/],
  ['https://0x7f.1/', /127\.0\.0\.1 is in the loopback/],
  ['https://0177.0.0.1/', /loopback/],
  ['https://127.1/', /loopback/],
  ['https://10.0.0.1/', /private/],
  ['https://172.16.5.4/', /private/],
  ['https://192.168.1.1/', /private/],
  ['https://169.254.169.254/latest/meta-data/', /metadata/],
  ['https://169.254.10.10/', /linkLocal/],
  ['https://100.64.0.1/', /carrierGradeNat/],
  ['https://0.0.0.0/', /unspecified/],
  ['https://0/', /unspecified/],
  ['https://224.0.0.1/', /multicast/],
  ['https://255.255.255.255/', /broadcast/],
  ['https://240.0.0.1/', /reserved/],
  ['https://[::ffff:127.0.0.1]/', /embeds 127\.0\.0\.1/],
  ['https://[::ffff:169.254.169.254]/', /embeds 169\.254\.169\.254.*metadata/],
  ['https://[::ffff:0:10.0.0.1]/', /embeds 10\.0\.0\.1/],
  ['https://[64:ff9b::7f00:1]/', /embeds 127\.0\.0\.1/],
  ['https://[2002:a9fe:a9fe::1]/', /embeds 169\.254\.169\.254/],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /teredo/],
  ['https://[::7f00:1]/', /IPv4-compatible/],
  ['https://[fd00:ec2::254]/', /metadata/],
  ['https://[fc00::1]/', /uniqueLocal/],
  ['https://[fe80::1]/', /linkLocal/],
  ['https://[ff02::1]/', /multicast/],
  ['https://[::]/', /unspecified/],
  ['https://metadata.test/', /169\.254\.169\.254/],
  ['https://internal.test/', /private/],
  ['https://loop.test/', /loopback/],
  ['https://mixed.test/', /192\.168\.1\.10/],
  ['https://mapped.test/', /embeds 10\.0\.0\.1/],
  ['https://cgnat.test/', /carrierGradeNat/],
  ['https://nxdomain.test/', /does not resolve/],
  ['https://empty.test/', /does not resolve/],
];

describe('SSRF guard, ordinary customer', () => {
  it.each(refusedPublic)('refuses %s', async (url, reason) => {
    const result = await checkWebhookUrl(url, { allowPrivate: false, resolve: fakeResolver() });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('webhook_url_not_allowed');
    expect(result.reason).toMatch(reason);
  });

  it('accepts a public https URL and pins the address it checked, resolving once', async () => {
    const calls: string[] = [];
    const result = await checkWebhookUrl('https://hook.test/path?q=1', { allowPrivate: false, resolve: fakeResolver(calls) });
    expect(result).toMatchObject({ ok: true, address: PUBLIC_V4, family: 4 });
    if (result.ok) expect(result.url.href).toBe('https://hook.test/path?q=1');
    expect(calls).toEqual(['hook.test']);
  });

  it('accepts public IPv6 names and literals, and a public mapped address', async () => {
    const resolve = fakeResolver();
    expect(await checkWebhookUrl('https://hook6.test/', { allowPrivate: false, resolve })).toMatchObject({ ok: true, family: 6 });
    expect(await checkWebhookUrl(`https://[${PUBLIC_V6}]/`, { allowPrivate: false, resolve })).toMatchObject({ ok: true, address: PUBLIC_V6 });
    expect(await checkWebhookUrl('https://[::ffff:93.184.215.14]/', { allowPrivate: false, resolve })).toMatchObject({ ok: true });
  });

  it('does not ask DNS for IP literals', async () => {
    const calls: string[] = [];
    await checkWebhookUrl('https://8.8.8.8/', { allowPrivate: false, resolve: fakeResolver(calls) });
    expect(calls).toEqual([]);
  });

  it('refuses localhost through the system resolver', async () => {
    const result = await checkWebhookUrl('https://localhost/', { allowPrivate: false });
    expect(result.ok).toBe(false);
  });
});

describe('SSRF guard, customer with allow_private_webhooks', () => {
  const opts = { allowPrivate: true, resolve: fakeResolver() };

  it.each(['http://127.0.0.1:3000/hooks', 'http://loop.test/', 'https://internal.test/', 'http://[::1]:8080/', 'http://100.64.0.1/', 'http://[fd12::1]/'])(
    'accepts %s',
    async (url) => {
      expect((await checkWebhookUrl(url, opts)).ok).toBe(true);
    },
  );

  it.each(['http://169.254.169.254/', 'http://metadata.test/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://224.0.0.1/', 'ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'http://nxdomain.test/'])(
    'still refuses %s',
    async (url) => {
      expect((await checkWebhookUrl(url, opts)).ok).toBe(false);
    },
  );
});

describe('SSRF guard, slow DNS', () => {
  it('refuses a host whose resolver does not answer in time', async () => {
    const never: Resolver = () => new Promise(() => undefined);
    const result = await checkWebhookUrl('https://slow.test/', { allowPrivate: false, resolve: never, resolveTimeoutMs: 50 });
    expect(result).toMatchObject({ ok: false, reason: 'slow.test does not resolve' });
  });
});
