// Host process for scenario 4's peer: panva's oidc-provider (the reference OpenID provider for
// Node) with its development interactions (login and consent forms), one confidential client, and
// in-memory storage — the authorization-code flow a merchant would run against an OP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostArgs, runHost } from '../lib/host.js';
import { PEER_CLIENT } from '../lib/peer-flow.js';

await runHost(async () => {
  hostArgs<Record<string, never>>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const moduleName = 'oidc-provider';
  const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, config: unknown) => any };
  const provider = new Provider(url, {
    clients: [{
      client_id: PEER_CLIENT.client_id,
      client_secret: PEER_CLIENT.client_secret,
      redirect_uris: [PEER_CLIENT.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());
  return {
    ready: { url },
    handlers: {},
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
});
