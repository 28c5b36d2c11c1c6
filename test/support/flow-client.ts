// Drives the workflow page's endpoints over HTTP as the page's script does (no browser).
export interface FlowState {
  status: string;
  version: number;
  binding?: string;
  view: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  finish: { url: string | null; origins: string[]; message: Record<string, unknown> } | null;
}

export class FlowClient {
  binding: string | null = null;
  constructor(readonly redirectUrl: string) {}

  async call(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (this.binding) headers['x-idbridge-binding'] = this.binding;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.redirectUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
  }

  async bind(): Promise<FlowState> {
    const r = await this.call('/bind', 'POST', {});
    if (r.status !== 200) throw Object.assign(new Error(`bind ${r.status}`), { response: r });
    this.binding = r.body.binding;
    return r.body;
  }

  async start(): Promise<FlowState> {
    return (await this.call('/start', 'POST', {})).body;
  }

  async approve(person = 0): Promise<FlowState> {
    return (await this.call('/action', 'POST', { action: 'approve', person })).body;
  }
}
