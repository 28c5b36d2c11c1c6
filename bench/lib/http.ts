// A small HTTP client on undici with keep-alive and a per-flow cookie jar (a "browser without a
// browser"): no redirect is followed on its own.
import { Agent, request } from 'undici';

export const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export class CookieJar {
  private cookies = new Map<string, string>();
  store(headers: Answer['headers']): void {
    const raw = headers['set-cookie'];
    for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; jar?: CookieJar } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  const cookie = init.jar?.header();
  if (cookie) headers.cookie = cookie;
  const r = await request(url, { method: (init.method ?? 'GET') as 'GET', headers, body: init.body, dispatcher: agent });
  const text = await r.body.text();
  init.jar?.store(r.headers);
  return { status: r.statusCode, headers: r.headers, text, json: () => JSON.parse(text) };
}

export function expect(a: Answer, status: number, what: string): Answer {
  if (a.status !== status) throw new Error(`${what}: ${a.status} ${a.text.slice(0, 200)}`);
  return a;
}

export const header = (a: Answer, name: string): string => {
  const v = a.headers[name];
  return Array.isArray(v) ? v[0] : (v ?? '');
};
