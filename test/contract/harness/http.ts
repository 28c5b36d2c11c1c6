// The merchant's side of the wire: a bearer-key JSON client and a server-sent-events reader.
export interface Res {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function request(url: string, init: RequestInit = {}): Promise<Res> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export class Api {
  constructor(readonly base: string, readonly key: string | null) {}

  /** Any /v1 call; `body` is sent as JSON unless it is a string (sent as is). */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const h: Record<string, string> = { ...headers };
    if (this.key !== null) h.authorization = `Bearer ${this.key}`;
    if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    return request(`${this.base}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  }

  get(path: string, headers?: Record<string, string>) {
    return this.call('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call('POST', path, body, headers);
  }

  /** Creates a session; throws unless 201. */
  async create(body: Record<string, unknown>, headers?: Record<string, string>): Promise<any> {
    const r = await this.post('/v1/sessions', body, headers);
    if (r.status !== 201) throw new Error(`create ${r.status}: ${r.text}`);
    return r.body;
  }

  async read(id: string): Promise<any> {
    const r = await this.get(`/v1/sessions/${id}`);
    if (r.status !== 200) throw new Error(`read ${r.status}: ${r.text}`);
    return r.body;
  }

  withKey(key: string | null): Api {
    return new Api(this.base, key);
  }
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** An open `text/event-stream`: its events and comment lines as they come, and its end. */
export class EventStream {
  events: SseEvent[] = [];
  comments: string[] = [];
  ended = false;
  status = 0;
  headers: Headers | null = null;
  private abort = new AbortController();
  done: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.done = this.run(url, headers).catch(() => undefined).finally(() => {
      this.ended = true;
    });
  }

  private async run(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.abort.signal });
    this.status = res.status;
    this.headers = res.headers;
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev: SseEvent = { data: '' };
        const data: string[] = [];
        let isEvent = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) this.comments.push(line);
          else {
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            isEvent = true;
            if (field === 'id') ev.id = value;
            else if (field === 'event') ev.event = value;
            else if (field === 'data') data.push(value);
          }
        }
        if (isEvent) {
          ev.data = data.join('\n');
          this.events.push(ev);
        }
      }
    }
  }

  async waitFor(test: (s: EventStream) => boolean, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (test(this)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return test(this);
  }

  close(): void {
    this.abort.abort();
  }
}
