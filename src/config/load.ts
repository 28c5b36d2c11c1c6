import { readFileSync } from 'node:fs';
import { SETTINGS } from './schema.js';
import { leaseProblem } from './webhook-lease.js';

export interface Config {
  databaseUrl: string;
  dbPoolSize: number;
  port: number;
  host: string;
  publicUrl: string;
  secretKey: string | undefined;
  rateLimitCreate: number;
  rateLimitPages: number;
  maxWaits: number;
  bankidEnv: 'simulated' | 'test' | 'production';
  bankidUrl: string | undefined;
  bankidPfx: string | undefined;
  bankidPassphrase: string | undefined;
  bankidCa: string | undefined;
  bankidSameDeviceIpCheck: boolean;
  enableDemo: boolean;
  trustProxy: string[];
  logLevel: string;
  role: 'all' | 'api' | 'worker';
  webhookTimeoutMs: number;
  webhookLeaseMs: number;
  /** IDBRIDGE_<NO_BANKID|DK_MITID|FI_FTN>_* as given (providers/oidc/settings.ts parses them). */
  oidcEnv?: Record<string, string | undefined>;
}

export class ConfigError extends Error {}

const OIDC_KEY = /^IDBRIDGE_(NO_BANKID|DK_MITID|FI_FTN)_/;

/** Reads settings from the environment (and IDBRIDGE_CONFIG's JSON file), validated by the schema. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const file = env.IDBRIDGE_CONFIG ? readJson(env.IDBRIDGE_CONFIG) : {};
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const given = env[setting.key] ?? file[setting.key];
    // JSON-valued settings (e.g. IDBRIDGE_FI_FTN_KEYS) may be objects in the config file.
    const value = given === undefined || given === '' ? setting.default : typeof given === 'object' ? JSON.stringify(given) : String(given);
    const parsed = setting.schema.safeParse(value);
    if (!parsed.success) problems.push(`${setting.key}: ${parsed.error.issues[0]?.message}`);
    else raw[setting.key] = parsed.data;
  }
  // A lease shorter than an attempt would let a second node send while the first still waits.
  const lease = raw.IDBRIDGE_WEBHOOK_LEASE_MS, timeout = raw.IDBRIDGE_WEBHOOK_TIMEOUT_MS;
  const leaseIssue = typeof lease === 'number' && typeof timeout === 'number' ? leaseProblem(lease, timeout) : null;
  if (leaseIssue) problems.push(`IDBRIDGE_WEBHOOK_LEASE_MS: ${leaseIssue}`);
  if (problems.length) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  const port = raw.IDBRIDGE_PORT as number;
  return {
    databaseUrl: raw.IDBRIDGE_DATABASE_URL as string,
    dbPoolSize: raw.IDBRIDGE_DB_POOL_SIZE as number,
    port,
    host: raw.IDBRIDGE_HOST as string,
    publicUrl: ((raw.IDBRIDGE_PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`).replace(/\/$/, ''),
    secretKey: raw.IDBRIDGE_SECRET_KEY as string | undefined,
    rateLimitCreate: raw.IDBRIDGE_RATE_LIMIT_CREATE as number,
    rateLimitPages: raw.IDBRIDGE_RATE_LIMIT_PAGES as number,
    maxWaits: raw.IDBRIDGE_MAX_WAITS as number,
    bankidEnv: raw.IDBRIDGE_BANKID_ENV as Config['bankidEnv'],
    bankidUrl: raw.IDBRIDGE_BANKID_URL as string | undefined,
    bankidPfx: raw.IDBRIDGE_BANKID_PFX as string | undefined,
    bankidPassphrase: raw.IDBRIDGE_BANKID_PASSPHRASE as string | undefined,
    bankidCa: raw.IDBRIDGE_BANKID_CA as string | undefined,
    bankidSameDeviceIpCheck: raw.IDBRIDGE_BANKID_SAME_DEVICE_IP_CHECK as boolean,
    enableDemo: raw.IDBRIDGE_ENABLE_DEMO as boolean,
    trustProxy: String(raw.IDBRIDGE_TRUST_PROXY ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    logLevel: raw.IDBRIDGE_LOG_LEVEL as string,
    role: raw.IDBRIDGE_ROLE as Config['role'],
    webhookTimeoutMs: raw.IDBRIDGE_WEBHOOK_TIMEOUT_MS as number,
    webhookLeaseMs: raw.IDBRIDGE_WEBHOOK_LEASE_MS as number,
    oidcEnv: Object.fromEntries(SETTINGS.filter((x) => OIDC_KEY.test(x.key)).map((x) => [x.key, raw[x.key] as string | undefined])),
  };
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`IDBRIDGE_CONFIG ${path}: ${(err as Error).message}`);
  }
}
