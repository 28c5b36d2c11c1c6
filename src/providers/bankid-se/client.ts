// Our typed client of BankID RP API v6.0 over mutual TLS (reference §1.1–§1.5): POST only,
// `Content-Type: application/json` without charset, errors as `{errorCode, details}`.
import { Agent } from 'undici';
import { BankIdApiError, BankIdNetworkError, retryAfterFromHeaders } from './errors.js';
import type {
  AuthRequest,
  CancelResponse,
  CollectResponse,
  OrderResponse,
  PhoneAuthRequest,
  PhoneOrderResponse,
  PhoneSignRequest,
  SignRequest,
} from './types.js';

export interface BankIdClientOptions {
  /** e.g. `https://appapi2.test.bankid.com/rp/v6.0` (path prefix included, trailing slash optional). */
  baseUrl: string;
  /** PKCS#12 of the RP's client certificate. */
  pfx: Buffer;
  passphrase: string;
  /** Pinned CA(s) of BankID's server certificate. */
  ca: string | Buffer | Array<string | Buffer>;
  /** Per-request timeout; BankID answers in well under a second. */
  timeoutMs?: number;
}

export interface BankIdClient {
  readonly baseUrl: string;
  auth(body: AuthRequest): Promise<OrderResponse>;
  sign(body: SignRequest): Promise<OrderResponse>;
  phoneAuth(body: PhoneAuthRequest): Promise<PhoneOrderResponse>;
  phoneSign(body: PhoneSignRequest): Promise<PhoneOrderResponse>;
  collect(orderRef: string): Promise<CollectResponse>;
  cancel(orderRef: string): Promise<CancelResponse>;
  close(): Promise<void>;
}

export function createBankIdClient(options: BankIdClientOptions): BankIdClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connect: { pfx: options.pfx, passphrase: options.passphrase, ca: options.ca },
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  // The origin and path prefix parsed once: the collector calls collect thousands of times a second.
  const { origin, pathname } = new URL(`${baseUrl}/`);
  const call = <T>(path: string, body: unknown) => postJson<T>(agent, origin, `${pathname}${path}`, body);
  return {
    baseUrl,
    auth: (body) => call('auth', body),
    sign: (body) => call('sign', body),
    phoneAuth: (body) => call('phone/auth', body),
    phoneSign: (body) => call('phone/sign', body),
    collect: (orderRef) => call('collect', { orderRef }),
    cancel: (orderRef) => call('cancel', { orderRef }),
    close: () => agent.close(),
  };
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

async function postJson<T>(agent: Agent, origin: string, path: string, body: unknown): Promise<T> {
  let response;
  try {
    response = await agent.request({ origin, path, method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  } catch (error) {
    throw new BankIdNetworkError(`BankID unreachable: ${(error as Error).message}`, error);
  }
  const text = await response.body.text().catch((error: unknown) => {
    throw new BankIdNetworkError('BankID answer cut off', error);
  });
  if (response.statusCode >= 200 && response.statusCode < 300) return parseJson<T>(text);
  throw toApiError(response.statusCode, text, response.headers);
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new BankIdNetworkError('BankID answered with a body that is not JSON', error);
  }
}

function toApiError(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
): BankIdApiError {
  let errorCode = 'unknown';
  let details = text.slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { errorCode?: unknown; details?: unknown };
    if (typeof parsed.errorCode === 'string') errorCode = parsed.errorCode;
    if (typeof parsed.details === 'string') details = parsed.details;
  } catch {
    // A proxy or load balancer in front of BankID may answer HTML; keep its start as details.
  }
  return new BankIdApiError(status, errorCode, details, retryAfterFromHeaders(headers));
}
