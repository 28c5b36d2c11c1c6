// The webhook URL check, run at registration and again before every delivery (API.md §5). The
// host is resolved once and every address judged; the sender then connects to the address
// returned here, so a DNS answer that changes between check and connect (rebinding) has no effect.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkAddress } from './ip-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Resolves a host name to all its addresses; injected in tests, `dns.lookup` otherwise. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface UrlCheckOptions {
  allowPrivate: boolean;
  resolve?: Resolver;
  /** getaddrinfo can hang far past the delivery timeout; a slow answer counts as none. */
  resolveTimeoutMs?: number;
}

export const DEFAULT_RESOLVE_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('resolve timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type UrlCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6; addresses: ResolvedAddress[] }
  | { ok: false; code: 'webhook_url_not_allowed'; reason: string };

function refuse(reason: string): UrlCheck {
  return { ok: false, code: 'webhook_url_not_allowed', reason };
}

function parseUrl(raw: string, allowPrivate: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  // Standard Webhooks 1.0 "Enforcing HTTPS": plain http only for local development.
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return `scheme ${url.protocol} is not allowed`;
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  return url;
}

async function resolveHost(host: string, resolve: Resolver, timeoutMs: number): Promise<ResolvedAddress[] | string> {
  // WHATWG URL has already turned 2130706433 or 0x7f.1 into 127.0.0.1, and bracketed IPv6.
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  const family = isIP(literal);
  if (family) return [{ address: literal, family: family as 4 | 6 }];
  try {
    const answers = await withTimeout(resolve(literal), timeoutMs);
    return answers.length > 0 ? answers : `${literal} does not resolve`;
  } catch {
    return `${literal} does not resolve`;
  }
}

export async function checkWebhookUrl(raw: string, options: UrlCheckOptions): Promise<UrlCheck> {
  const url = parseUrl(raw, options.allowPrivate);
  if (typeof url === 'string') return refuse(url);
  const timeoutMs = options.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const addresses = await resolveHost(url.hostname, options.resolve ?? systemResolver, timeoutMs);
  if (typeof addresses === 'string') return refuse(addresses);
  // Every answer must pass: a name that mixes a public and a private address is refused.
  for (const { address } of addresses) {
    const verdict = checkAddress(address, options.allowPrivate);
    if (!verdict.ok) return refuse(verdict.reason);
  }
  const first = addresses[0];
  return { ok: true, url, address: first.address, family: first.family, addresses };
}
