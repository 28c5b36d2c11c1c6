// One delivery attempt: POST the signed body to the checked address. Standard Webhooks 1.0
// "Delivery success and failure": only 2xx succeeds, 3xx is a failure and is not followed (undici's
// request never follows redirects); "Request timeouts": 15 s by default. Network trouble is an
// outcome to record, never an exception.
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../core/ids.js';
import { createConnectionPools, type ConnectionPools } from './connection-pools.js';
import { parseRetryAfter } from './retry-after.js';
import type { ResolvedAddress } from './ssrf-guard.js';

export const DEFAULT_TIMEOUT_MS = 15_000;
const EXCERPT_BYTES = 1024;
// Read this much of a response so the connection can be reused; beyond it, drop the socket.
const DRAIN_LIMIT_BYTES = 64 * 1024;
const USER_AGENT = 'IDBridge-Webhooks/1';

export interface SendRequest {
  url: URL | string;
  address: string;
  family: 4 | 6;
  /** Every checked address, tried in order; defaults to `address` alone. */
  addresses?: readonly ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
  /** The attempt's budget when it began before this call (the DNS check); default `timeoutMs` from now. */
  signal?: AbortSignal;
  /** Reads an HTTP-date Retry-After against the dispatcher's clock, as its schedule does. */
  clock?: Clock;
  /** Overrides the pools (tests); must itself connect to `address`. */
  dispatcher?: Dispatcher;
  pools?: ConnectionPools;
}

export interface SendResult {
  status: number | null;
  duration_ms: number;
  error: string | null;
  retry_after_ms: number | null;
  response_excerpt: string | null;
}

let sharedPools: ConnectionPools | null = null;
function defaultPools(): ConnectionPools {
  sharedPools ??= createConnectionPools();
  return sharedPools;
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (kept < EXCERPT_BYTES) {
        const part = chunk.subarray(0, EXCERPT_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      }
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) {
        body.destroy();
        break;
      }
    }
  } catch {
    // The status already arrived; a body cut short does not change the outcome.
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeStatus(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return `redirect ${status} not followed`;
  return `HTTP ${status}`;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') {
    return `timeout after ${timeoutMs} ms`;
  }
  return [e?.code, e?.message].filter(Boolean).join(': ') || String(err);
}

export async function sendWebhook(req: SendRequest): Promise<SendResult> {
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const addresses = req.addresses?.length ? req.addresses : [{ address: req.address, family: req.family }];
  const dispatcher = req.dispatcher ?? (req.pools ?? defaultPools()).get(url, addresses);
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, ...req.headers },
      body: req.body,
      // One budget for connect, headers and body together.
      signal: req.signal ?? AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const excerpt = await readExcerpt(res.body);
    return {
      status: res.statusCode,
      duration_ms: elapsed(),
      error: describeStatus(res.statusCode),
      retry_after_ms: parseRetryAfter(res.headers['retry-after'], (req.clock ?? systemClock).now().getTime()),
      response_excerpt: excerpt,
    };
  } catch (err) {
    return { status: null, duration_ms: elapsed(), error: describeError(err, timeoutMs), retry_after_ms: null, response_excerpt: null };
  }
}
