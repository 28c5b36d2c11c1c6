// Interaction routes of the test IdP (oidc-provider's login/consent prompts): show the login page,
// log the chosen person in with the chosen acr and a grant for the asked scopes, or cancel.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { askedLevel, brokerRefusal } from './broker-params.js';
import { loginPage, preselectedAcr } from './login-page.js';
import type { TestIdpProfile, TestPerson } from './people.js';

/** The slice of oidc-provider's API the routes use (the package ships no types). */
export interface OidcProviderLike {
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{
    uid: string;
    params: Record<string, unknown>;
    prompt: { name: string };
  }>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: Record<string, unknown>): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  };
}

export interface InteractionOptions {
  profile: TestIdpProfile;
  title: string;
  people: TestPerson[];
  acr_values: string[];
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function login(provider: OidcProviderLike, opts: InteractionOptions, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const form = await formBody(req);
  const person = opts.people.find((p) => p.id === form.get('person')) ?? opts.people[0];
  const acr = opts.acr_values.find((v) => v === form.get('acr')) ?? opts.acr_values[0];
  const grant = new provider.Grant({ accountId: person.id, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  const grantId = await grant.save();
  const result = { login: { accountId: person.id, acr }, consent: { grantId } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function show(provider: OidcProviderLike, opts: InteractionOptions, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const refusal = brokerRefusal(opts.profile, details.params);
  if (refusal) {
    // Back to the client as an OAuth error (RFC 6749 §4.1.2.1), as a broker refuses a bad request.
    const result = { error: 'invalid_request', error_description: refusal };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  const html = loginPage({
    uid: details.uid,
    title: opts.title,
    client_id: String(details.params.client_id),
    people: opts.people,
    acr_values: opts.acr_values,
    acr: preselectedAcr(opts.acr_values, askedLevel(opts.profile, details.params)),
  });
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/** Handles `/interaction/*`; returns false for anything else. */
export async function handleInteraction(
  provider: OidcProviderLike,
  opts: InteractionOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const match = /^\/interaction\/([\w-]+)(\/login|\/cancel)?$/.exec(path);
  if (!match) return false;
  if (req.method === 'GET' && !match[2]) await show(provider, opts, req, res);
  else if (req.method === 'POST' && match[2] === '/login') await login(provider, opts, req, res);
  else if (req.method === 'POST' && match[2] === '/cancel') {
    const result = { error: 'access_denied', error_description: 'End-User cancelled the login' };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  } else {
    res.writeHead(405).end();
  }
  return true;
}
