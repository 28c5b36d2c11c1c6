// The broker's full demo flow, scripted over HTTP as the merchant's backend and the page's script
// run it: create → page → bind → start → approve (the finish URL is the target) → read.
import { expect, http } from './http.js';

export async function brokerFlow(base: string, key: string, target: string): Promise<void> {
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = expect(await http(`${base}/v1/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ method: 'demo', target }) }), 201, 'create').json();
  const page = created.redirect_url as string;
  const html = expect(await http(page), 200, 'page');
  if (!html.text.includes('<html')) throw new Error('page: no HTML');
  const json = { 'content-type': 'application/json' };
  const bound = expect(await http(`${page}/bind`, { method: 'POST', headers: json, body: '{}' }), 200, 'bind').json();
  const flowHeaders = { ...json, 'x-idbridge-binding': bound.binding as string };
  expect(await http(`${page}/start`, { method: 'POST', headers: flowHeaders, body: '{}' }), 200, 'start');
  const done = expect(await http(`${page}/action`, { method: 'POST', headers: flowHeaders, body: JSON.stringify({ action: 'approve', person: 0 }) }), 200, 'approve').json();
  if (done.status !== 'complete' || !String(done.finish?.url ?? '').startsWith(target)) throw new Error(`approve: ${JSON.stringify(done).slice(0, 200)}`);
  const read = expect(await http(`${base}/v1/sessions/${created.id}`, { headers: { authorization: auth.authorization } }), 200, 'read').json();
  if (read.status !== 'complete' || !read.result?.identity) throw new Error('read: not complete');
}
