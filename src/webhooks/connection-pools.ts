// Keep-alive connection pools for webhook deliveries, one per (origin, checked addresses). Each
// pool connects only to addresses the SSRF guard approved: its `lookup` answers with them instead
// of asking DNS again (no rebinding); given all of them, Node's happy-eyeballs connect tries each
// in turn (e.g. ::1 then 127.0.0.1 for `localhost`). The Host header and TLS SNI keep the URL's
// host name, so certificates are checked against the name the merchant registered.
import type { LookupFunction } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import type { ResolvedAddress } from './ssrf-guard.js';

export interface ConnectionPoolOptions {
  /** Pools kept at once; the least recently used is closed beyond this. */
  maxPools?: number;
  /** Parallel connections to one origin (throughput target: 1,000 deliveries/s). */
  connectionsPerOrigin?: number;
  /** Extra TLS options (e.g. a test CA); never used to turn verification off in production. */
  tls?: { ca?: string | Buffer | Array<string | Buffer> };
}

export interface ConnectionPools {
  get(url: URL, addresses: readonly ResolvedAddress[]): Dispatcher;
  close(): Promise<void>;
}

/** A `lookup` that answers only with the pinned addresses, in both of Node's callback shapes. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  if (addresses.length === 0) throw new Error('no address to pin');
  return ((_hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    const wanted = options?.family === 4 || options?.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const answers = wanted.length > 0 ? wanted : addresses;
    if (options?.all) callback(null, answers.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, answers[0].address, answers[0].family);
  }) as LookupFunction;
}

export function createConnectionPools(options: ConnectionPoolOptions = {}): ConnectionPools {
  const maxPools = options.maxPools ?? 256;
  const pools = new Map<string, Pool>();

  function evictOldest(): void {
    const [key, pool] = pools.entries().next().value as [string, Pool];
    pools.delete(key);
    void pool.close().catch(() => undefined);
  }

  function create(url: URL, addresses: readonly ResolvedAddress[]): Pool {
    return new Pool(url.origin, {
      connections: options.connectionsPerOrigin ?? 64,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      connect: { lookup: pinnedLookup(addresses), ...options.tls },
    });
  }

  return {
    get(url, addresses) {
      const key = `${url.origin}|${addresses.map((a) => a.address).join(',')}`;
      let pool = pools.get(key);
      if (pool) pools.delete(key); // re-insert below: Map order doubles as recency order
      else pool = create(url, addresses);
      pools.set(key, pool);
      if (pools.size > maxPools) evictOldest();
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.close().catch(() => undefined)));
    },
  };
}
