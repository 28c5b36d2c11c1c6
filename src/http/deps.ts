import type { CreationLimiter } from './creation-limit.js';
import type {} from '@fastify/cookie';
import type {} from '@fastify/rate-limit';
import type {} from '@fastify/swagger';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/ids.js';
import type { ChangeFeed } from '../sessions/change-feed.js';
import type { SessionDriver } from '../sessions/driver.js';
import type { SessionService } from '../sessions/service.js';
import type { Store } from '../storage/store.js';
import type { Metrics } from './metrics.js';

export interface HttpConfig {
  publicUrl: string;
  maxWaits: number;
  rateLimitCreate: number;
  rateLimitPages: number;
  demoEnabled: boolean;
  trustProxy: string[];
  /** Same-device BankID: refuse a completion from another IP than the starting browser. */
  logLevel: string;
}

export interface HttpDeps {
  config: HttpConfig;
  store: Store;
  svc: SessionService;
  driver: SessionDriver;
  feed: ChangeFeed;
  clock: Clock;
  metrics: Metrics;
  authenticate: (req: FastifyRequest) => Promise<void>;
  /** IDBRIDGE_RATE_LIMIT_CREATE; null when off. */
  createLimiter: CreationLimiter | null;
}
