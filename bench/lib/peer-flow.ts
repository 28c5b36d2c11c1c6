// The peer's full authorization-code flow, scripted over HTTP as a browser plus a client backend
// would run it: authorize → login form → login → consent form → consent → callback (code) → token.
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar, expect, header, http } from './http.js';

export const PEER_CLIENT = { client_id: 'bench-client', client_secret: 'bench-secret-0123456789abcdef0123456789', redirect_uri: 'http://127.0.0.1:9/cb' };

const b64url = (b: Buffer) => b.toString('base64url');

function formAction(html: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form on the page: ${html.slice(0, 200)}`);
  return m[1].replace(/&#x2F;/g, '/').replace(/&amp;/g, '&');
}

export async function peerFlow(base: string): Promise<void> {
  const jar = new CookieJar();
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const q = new URLSearchParams({
    client_id: PEER_CLIENT.client_id, response_type: 'code', scope: 'openid', redirect_uri: PEER_CLIENT.redirect_uri,
    state, nonce: b64url(randomBytes(16)), code_challenge: challenge, code_challenge_method: 'S256',
  });
  let url = `${base}/auth?${q}`;
  let code: string | null = null;
  for (let hop = 0; hop < 12 && !code; hop++) {
    const a = await http(url, { jar });
    if (a.status === 302 || a.status === 303) {
      const next = new URL(header(a, 'location'), url);
      if (next.href.startsWith(PEER_CLIENT.redirect_uri)) {
        if (next.searchParams.get('state') !== state) throw new Error('peer: state mismatch');
        code = next.searchParams.get('code');
        if (!code) throw new Error(`peer: no code: ${next.search}`);
        break;
      }
      url = next.href;
      continue;
    }
    expect(a, 200, 'peer interaction page');
    const action = new URL(formAction(a.text), url).href;
    const isLogin = a.text.includes('name="prompt" value="login"');
    const body = new URLSearchParams(isLogin ? { prompt: 'login', login: 'bench-user', password: 'x' } : { prompt: 'consent' });
    const posted = await http(action, { method: 'POST', jar, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    if (posted.status !== 303 && posted.status !== 302) throw new Error(`peer submit: ${posted.status} ${posted.text.slice(0, 200)}`);
    url = new URL(header(posted, 'location'), action).href;
  }
  if (!code) throw new Error('peer: no code after the interactions');
  const token = await http(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: PEER_CLIENT.redirect_uri, code_verifier: verifier,
      client_id: PEER_CLIENT.client_id, client_secret: PEER_CLIENT.client_secret,
    }).toString(),
  });
  expect(token, 200, 'peer token');
  if (!token.json().id_token) throw new Error('peer: no id_token');
}
