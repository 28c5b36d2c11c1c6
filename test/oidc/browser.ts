// A minimal "person with a browser" for the test IdPs: follows redirects by hand with a cookie jar,
// submits the login page's Log in or Cancel form, and stops at the broker's callback URL.
export interface PersonChoice {
  action?: 'login' | 'cancel';
  person?: string;
  acr?: string;
}

class CookieJar {
  private cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function formAction(html: string, kind: 'login' | 'cancel'): string {
  const match = new RegExp(`action="(/interaction/[\\w-]+/${kind})"`).exec(html);
  if (!match) throw new Error(`no ${kind} form on page: ${html.slice(0, 300)}`);
  return match[1];
}

function firstPerson(html: string): string {
  const match = /name="person" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no test person on the login page');
  return match[1];
}

function selectedAcr(html: string): string {
  const match = /<option value="([^"]+)" selected>/.exec(html);
  return match ? match[1].replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))) : '';
}

/** Walks from the authorize URL to the callback; returns the callback's query params. */
export async function personAtIdp(authorizeUrl: string, callbackUrl: string, choice: PersonChoice = {}) {
  const jar = new CookieJar();
  let url = authorizeUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(callbackUrl)) return Object.fromEntries(next.searchParams);
      url = next.href;
      init = {};
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`IdP answered ${response.status}: ${html.slice(0, 500)}`);
    const kind = choice.action ?? 'login';
    const body = new URLSearchParams(kind === 'login' ? { person: choice.person ?? firstPerson(html), acr: choice.acr ?? selectedAcr(html) } : {});
    url = new URL(formAction(html, kind), url).href;
    init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('too many redirects');
}
