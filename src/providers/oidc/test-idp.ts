// OIDC test identity providers for tests and `idbridge dev`: panva's oidc-provider (a dev
// dependency, loaded dynamically so production code never imports it) configured like Norwegian
// BankID, a MitID broker or an FTN broker, with test people and its own login page.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { randomToken } from '../../core/ids.js';
import { clientRegistration, IDP_PROFILES, type TestIdpClient } from './test-idp/idp-profiles.js';
import { handleInteraction, type OidcProviderLike } from './test-idp/interactions.js';
import { parLifetimeMiddleware, type ParModelSource } from './test-idp/par-lifetime.js';
import { DEFAULT_PEOPLE, type TestIdpProfile, type TestPerson } from './test-idp/people.js';
import { createRecorder, recorderMiddleware, type Recorder } from './test-idp/recorder.js';

export type { TestIdpClient, TestIdpProfile, TestPerson };

export interface TestIdpOptions {
  profile: TestIdpProfile;
  port?: number;
  host?: string;
  clients: TestIdpClient[];
  people?: TestPerson[];
  /** Lifetime of a pushed request_uri in seconds (oidc-provider's is 60 s, as many real OPs'). */
  par_ttl_s?: number;
  /** Require PAR from every client (discovery: require_pushed_authorization_requests). */
  require_par?: boolean;
}

export interface TestIdp extends Recorder {
  profile: TestIdpProfile;
  issuer: string;
  url: string;
  people: TestPerson[];
  /** The IdP's own public keys (sig, enc), as published at its jwks_uri. */
  jwks: { keys: JWK[] };
  close(): Promise<void>;
}

const TITLES: Record<TestIdpProfile, string> = {
  'no-bankid': 'BankID (test IdP)',
  'dk-mitid': 'MitID (test broker)',
  'fi-ftn': 'FTN (test broker)',
};

async function opKey(alg: string, use: 'sig' | 'enc'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  return { ...(await exportJWK(privateKey)), alg, use, kid: `${use}-${randomToken(6)}` };
}

/** Claims a real provider gives only through UserInfo: BankID's `nnin` sits behind a consent screen (reference §1). */
const USERINFO_ONLY: Partial<Record<TestIdpProfile, string[]>> = { 'no-bankid': ['nnin'] };

function findAccount(profile: TestIdpProfile, people: TestPerson[]) {
  return async (_ctx: unknown, id: string, token?: { acr?: string }) => {
    const person = people.find((p) => p.id === id);
    if (!person) return undefined;
    // MitID brokers report the NSIS level in `loa` (reference §2); it mirrors the login's acr.
    const extra = profile === 'dk-mitid' && token?.acr ? { loa: token.acr, idp: 'mitid', identity_type: 'private' } : {};
    const claims = async (use: string) => {
      const all: Record<string, unknown> = { sub: id, ...person.claims, ...extra };
      if (use === 'id_token') for (const name of USERINFO_ONLY[profile] ?? []) delete all[name];
      return all;
    };
    return { accountId: id, claims };
  };
}

function configuration(options: TestIdpOptions, people: TestPerson[], keys: JWK[]) {
  const spec = IDP_PROFILES[options.profile];
  return {
    clients: options.clients.map((c) => clientRegistration(options.profile, c)),
    jwks: { keys },
    claims: spec.claims,
    acrValues: spec.acr_values,
    extraParams: ['idp_values', 'idp_params', 'login_hint'],
    // Real providers put these claims in the ID token (BankID nnin_altsub, FTN hetu).
    conformIdTokenClaims: false,
    findAccount: findAccount(options.profile, people),
    cookies: { keys: [randomToken(32)] },
    // Short, explicit lifetimes: a test IdP session never outlives a test run.
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    // FTN brokers take private_key_jwt only (Traficom 213/2023 S); the others also client secrets.
    ...(spec.client_auth_methods ? { clientAuthMethods: spec.client_auth_methods } : {}),
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
      requestObjects: { enabled: true, requireSignedRequestObject: spec.require_signed_request_object },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: options.require_par ?? spec.require_par },
    },
  };
}

/**
 * Reads a POST body before oidc-provider does and leaves it on `req.body` (which oidc-provider then
 * parses): the recorder sees the wire form, e.g. a JWE request object before the OP decrypts it.
 */
async function keepRawBody(req: IncomingMessage): Promise<IncomingMessage> {
  if (req.method !== 'POST') return req;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.assign(req, { body: Buffer.concat(chunks).toString('utf8') });
}

function listen(host: string, port: number, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  return new Promise<typeof server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const host = options.host ?? '127.0.0.1';
  const people = options.people ?? DEFAULT_PEOPLE[options.profile];
  const keys = [await opKey('RS256', 'sig'), await opKey('RSA-OAEP', 'enc')];
  let app: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = await listen(host, options.port ?? 0, (req, res) => (app ? app(req, res) : res.writeHead(503).end()));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const moduleName = 'oidc-provider';
  const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, config: unknown) => unknown };
  const provider = new Provider(url, configuration(options, people, keys)) as OidcProviderLike & ParModelSource & {
    use(mw: unknown): void;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  };
  const recorder = createRecorder();
  provider.use(recorderMiddleware(recorder));
  if (options.par_ttl_s) provider.use(parLifetimeMiddleware(provider, options.par_ttl_s));
  const callback = provider.callback();
  const interactionOpts = { profile: options.profile, title: TITLES[options.profile], people, acr_values: IDP_PROFILES[options.profile].acr_values };
  app = (req, res) => {
    handleInteraction(provider, interactionOpts, req, res)
      .then(async (handled) => (handled ? undefined : callback(await keepRawBody(req), res)))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : 'interaction failed');
      });
  };
  const publicKeys = keys.map(({ d, p, q, dp, dq, qi, ...pub }) => pub);
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return Object.assign(recorder, { profile: options.profile, issuer: url, url, people, jwks: { keys: publicKeys }, close });
}
