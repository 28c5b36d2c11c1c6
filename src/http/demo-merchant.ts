// The demo merchant of `idbridge dev`: a separate origin that integrates the broker both ways,
// full-page redirect and iframe, exactly as a merchant would (its backend holds the API key).
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { esc } from './html.js';

export interface DemoMerchantOptions {
  brokerUrl: string;
  apiKey: string;
  origin: string;
  methods: string[];
}

const SCRIPT = `window.addEventListener('message', function (e) {
  var out = document.getElementById('messages');
  if (!out || !e.data || e.data.type !== 'idbridge.session') return;
  var li = document.createElement('li');
  li.textContent = e.origin + ' → ' + JSON.stringify(e.data);
  out.appendChild(li);
});`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem}.cols{display:flex;gap:2rem;flex-wrap:wrap}.cols>section{flex:1;min-width:18rem}iframe{width:100%;height:34rem;border:1px solid #ccc;border-radius:.5rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto}</style>
<script src="/merchant.js" defer></script></head><body>${body}</body></html>`;
}

export async function startDemoMerchant(opts: DemoMerchantOptions, port: number, host = '127.0.0.1'): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(formbody);
  const target = `${opts.origin}/return`;

  async function create(method: string, frame: boolean): Promise<{ redirect_url: string }> {
    const res = await fetch(`${opts.brokerUrl}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method, target, target_error: target, relay_state: frame ? 'iframe' : 'redirect', ...(frame ? { frame_origin: opts.origin } : {}) }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`create failed: ${JSON.stringify(body)}`);
    return body;
  }

  const methodSelect = (name: string) =>
    `<label>eID <select name="method" id="${name}">${opts.methods.map((m) => `<option>${esc(m)}</option>`).join('')}</select></label>`;

  app.get('/merchant.js', async (_req, reply) => reply.type('text/javascript').send(SCRIPT));
  app.get('/', async (_req, reply) =>
    reply.type('text/html').send(page('Demo shop', `<h1>Demo shop</h1><p>Two ways to integrate IDBridge, side by side.</p><div class="cols">
<section><h2>Full-page redirect</h2><form method="post" action="/start">${methodSelect('method-redirect')} <button id="start-redirect">Log in (full page)</button></form></section>
<section><h2>Iframe</h2><form method="post" action="/embed">${methodSelect('method-iframe')} <button id="start-iframe">Log in (iframe)</button></form></section></div>`)),
  );
  app.post('/start', async (req, reply) => {
    const s = await create((req.body as { method?: string }).method ?? 'demo', false);
    return reply.redirect(s.redirect_url, 303);
  });
  app.post('/embed', async (req, reply) => {
    const s = await create((req.body as { method?: string }).method ?? 'demo', true);
    return reply.type('text/html').send(page('Demo shop – iframe', `<h1>Log in inside an iframe</h1><div class="cols"><section><iframe id="idbridge-frame" src="${esc(s.redirect_url)}" title="IDBridge" allow="publickey-credentials-get"></iframe></section>
<section><h2>Messages from the frame</h2><ul id="messages"></ul><p><a href="/">Back</a></p></section></div>`));
  });
  app.get('/return', async (req, reply) => {
    const q = req.query as { id?: string; status?: string; relay_state?: string };
    // The query is only a hint (API.md §4): the merchant reads the session for the truth.
    const res = await fetch(`${opts.brokerUrl}/v1/sessions/${encodeURIComponent(q.id ?? '')}`, { headers: { authorization: `Bearer ${opts.apiKey}` } });
    const session = await res.json();
    const who = session.result?.identity?.full_name ?? '–';
    return reply.type('text/html').send(page('Demo shop – result', `<h1>Result</h1><p id="result-status">${esc(session.status)}</p><p>Identified: <strong id="result-name">${esc(who)}</strong></p>
<pre id="result-json">${esc(JSON.stringify(session, null, 2))}</pre><p><a href="/" target="_top">Back to the shop</a></p>`));
  });
  await app.listen({ port, host });
  return app;
}
