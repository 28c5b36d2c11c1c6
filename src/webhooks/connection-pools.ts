// Keep-alive connection pools for webhook deliveries, one per (origin, checked address). Each pool
// connects only to the address the SSRF guard approved: its `lookup` answers with that address
// instead of asking DNS again (no rebinding), while the Host header and TLS SNI keep the URL's
// host name, so certificates are checked against the name the merchant registered.
import type { LookupFunction } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

export interface ConnectionPoolOptions {
  /** Pools kept at once; the least recently used is closed beyond this. */
  maxPools?: number;
  /** Parallel connections to one origin (throughput target: 1,000 deliveries/s). */
  connectionsPerOrigin?: number;
  /** Extra TLS options (e.g. a test CA); never used to turn verification off in production. */
  tls?: { ca?: string | Buffer | Array<string | Buffer> };
}

export interface ConnectionPools {
  get(url: URL, address: string, family: 4 | 6): Dispatcher;
  close(): Promise<void>;
}

/** A `lookup` that always answers with the pinned address, in both of Node's callback shapes. */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
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

  function create(url: URL, address: string, family: 4 | 6): Pool {
    return new Pool(url.origin, {
      connections: options.connectionsPerOrigin ?? 64,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      connect: { lookup: pinnedLookup(address, family), ...options.tls },
    });
  }

  return {
    get(url, address, family) {
      const key = `${url.origin}|${address}`;
      let pool = pools.get(key);
      if (pool) pools.delete(key); // re-insert below: Map order doubles as recency order
      else pool = create(url, address, family);
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
