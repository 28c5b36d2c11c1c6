// The broker's keys toward OIDC upstreams (API.md §1 /.well-known/jwks.json, DESIGN.md "Scale"):
// published as public JWKs with use/alg/kid, generated once and stable across restarts on the same
// database, one set when two nodes start at once, replaced by IDBRIDGE_<M>_KEYS when configured.
import { afterEach, describe, expect, it } from 'vitest';
import { composeBroker, type Broker } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { generateBrokerKeys, type PrivateJwks } from '../../src/providers/oidc/keys.js';
import { openStore } from '../../src/storage/store.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';

const DIALECTS = await dialects();

// Two upstreams configured (discovery happens only at a session's start, so none is reachable here).
const UPSTREAMS = {
  IDBRIDGE_FI_FTN_ISSUER: 'https://ftn.example.test', IDBRIDGE_FI_FTN_CLIENT_ID: 'idbridge',
  IDBRIDGE_DK_MITID_ISSUER: 'https://mitid.example.test', IDBRIDGE_DK_MITID_CLIENT_ID: 'idbridge', IDBRIDGE_DK_MITID_CLIENT_SECRET: 's3cret',
};

describe.each(DIALECTS)('OIDC broker keys (%s)', (dialect) => {
  let db: TestDatabase | null = null;
  const open: Broker[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
    await db?.drop();
    db = null;
  });

  async function start(env: Record<string, string> = {}): Promise<Broker> {
    db ??= await openDatabase(dialect);
    const config = loadConfig({
      IDBRIDGE_DATABASE_URL: db.url, IDBRIDGE_PORT: '0', IDBRIDGE_HOST: '127.0.0.1', IDBRIDGE_SECRET_KEY: TEST_SECRET,
      IDBRIDGE_LOG_LEVEL: 'silent', ...UPSTREAMS, ...env,
    });
    const broker = await composeBroker(config, { logger: createLogger('silent'), runWorker: false });
    open.push(broker);
    return broker;
  }

  const jwks = async (b: Broker) => (await fetch(`${b.url}/.well-known/jwks.json`)).json() as Promise<{ keys: Record<string, unknown>[] }>;

  it('publishes a sig and an enc key per configured upstream, public parts only, stable across a restart', async () => {
    const first = await start();
    const published = await jwks(first);
    expect(published.keys).toHaveLength(4);
    expect(published.keys.filter((k) => k.use === 'sig')).toHaveLength(2);
    expect(published.keys.filter((k) => k.use === 'enc')).toHaveLength(2);
    for (const k of published.keys) {
      expect(k).toMatchObject({ kty: 'RSA', kid: expect.any(String), alg: expect.stringMatching(/^(RS256|RSA-OAEP-256)$/) });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(secret);
    }
    // Per upstream: the two keys to register with that provider only.
    const ftn = (await (await fetch(`${first.url}/oidc/fi-ftn/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(ftn.keys.map((k) => k.use).sort()).toEqual(['enc', 'sig']);
    expect(published.keys).toEqual(expect.arrayContaining(ftn.keys));
    expect((await fetch(`${first.url}/oidc/no-bankid/jwks.json`)).status).toBe(404);
    await first.close();
    open.length = 0;
    const again = await start();
    expect(await jwks(again)).toEqual(published);
  }, 120_000);

  it('two nodes starting at once on one database end with one key set', async () => {
    await (await start()).close(); // migrations
    open.length = 0;
    const stores = await Promise.all([0, 1].map(() => openStore(db!.url, TEST_SECRET)));
    try {
      const generate = (bits: number) => () => generateBrokerKeys({ modulus_length: bits });
      const [a, b] = await Promise.all([
        stores[0].ensureBrokerKeys('no-bankid', generate(2048), new Date()),
        stores[1].ensureBrokerKeys('no-bankid', generate(2048), new Date()),
      ]);
      expect(a).toEqual(b);
      expect(await stores[0].getBrokerKeys('no-bankid')).toEqual(a);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  }, 120_000);

  it('IDBRIDGE_<M>_KEYS replaces the stored keys', async () => {
    const given: PrivateJwks = await generateBrokerKeys({ modulus_length: 2048 });
    const b = await start({ IDBRIDGE_FI_FTN_KEYS: JSON.stringify(given), IDBRIDGE_DK_MITID_ISSUER: '' });
    const kids = (await jwks(b)).keys.map((k) => k.kid).sort();
    expect(kids).toEqual(given.keys.map((k) => k.kid).sort());
    expect(await b.store.getBrokerKeys('fi-ftn')).toBeNull();
  }, 60_000);
});
