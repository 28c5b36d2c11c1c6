// Drives the workflow page's endpoints over HTTP as the page's own script (/assets/flow.js) does:
// POST {redirect_url}/bind, then /start, /action, /cancel, /state, with the binding secret in the
// X-IDBridge-Binding header. Written from the page's script, not from the broker's code.
import { request, type Res } from './http.js';

export class PageClient {
  binding: string | null = null;
  constructor(readonly redirectUrl: string) {}

  async call(path: string, method = 'GET', body?: unknown): Promise<Res> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.binding) headers['x-idbridge-binding'] = this.binding;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request(`${this.redirectUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** The page's first scripted request. */
  async bind(): Promise<Res> {
    const r = await this.call('/bind', 'POST', {});
    if (r.status === 200 && r.body?.binding) this.binding = r.body.binding;
    return r;
  }

  start(): Promise<Res> {
    return this.call('/start', 'POST', {});
  }

  approve(person = 0): Promise<Res> {
    return this.call('/action', 'POST', { action: 'approve', person });
  }

  cancel(): Promise<Res> {
    return this.call('/cancel', 'POST', {});
  }

  /** bind + start + approve: a demo session completed as test person `person`. */
  async completeDemo(person = 0): Promise<Res> {
    const b = await this.bind();
    if (b.status !== 200) throw new Error(`bind ${b.status}: ${b.text}`);
    const s = await this.start();
    if (s.status !== 200) throw new Error(`start ${s.status}: ${s.text}`);
    return this.approve(person);
  }

  async cancelDemo(): Promise<Res> {
    const b = await this.bind();
    if (b.status !== 200) throw new Error(`bind ${b.status}: ${b.text}`);
    await this.start();
    return this.cancel();
  }
}
