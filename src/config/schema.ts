// One schema for every setting: name, default, description. docs/configuration.md is generated
// from it (npm run docs) and a test fails when the two disagree.
import { z } from 'zod';
import { OIDC_METHODS } from '../providers/oidc/profiles/index.js';
import { envPrefix, KEYS_DESCRIPTION, KEYS_SUFFIX, OIDC_ENV_KEYS } from '../providers/oidc/settings.js';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export interface Setting {
  key: string;
  default: string | undefined;
  description: string;
  schema: z.ZodType;
}

const s = (key: string, schema: z.ZodType, def: string | undefined, description: string): Setting => ({
  key,
  schema,
  default: def,
  description,
});

/** IDBRIDGE_<NO_BANKID|DK_MITID|FI_FTN>_<KEY> (docs/oidc.md); parsed by providers/oidc/settings.ts. */
function oidcSettings(): Setting[] {
  const keys = [...OIDC_ENV_KEYS, { suffix: KEYS_SUFFIX, description: KEYS_DESCRIPTION }];
  return OIDC_METHODS.flatMap((method) =>
    keys.map((k) => s(`${envPrefix(method)}${k.suffix}`, z.string().optional(), undefined, `\`${method}\`: ${k.description}`)));
}

export const SETTINGS = [
  s('IDBRIDGE_DATABASE_URL', z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/), 'sqlite:./idbridge.db',
    '`sqlite:PATH` (embedded, one node) or `postgres://user@host:5432/db` (one or many nodes).'),
  s('IDBRIDGE_DB_POOL_SIZE', int(1, 1000), '10', 'PostgreSQL connections per process (plus two for LISTEN/NOTIFY). Keep nodes × this under the server\'s `max_connections`.'),
  s('IDBRIDGE_PORT', int(0, 65535), '3000', 'TCP port of the broker.'),
  s('IDBRIDGE_HOST', z.string().min(1), '0.0.0.0', 'Address to listen on (`dev` uses 127.0.0.1).'),
  s('IDBRIDGE_PUBLIC_URL', z.url().optional(), undefined,
    'Base of every URL handed out (redirect_url, callbacks). Default `http://localhost:PORT`.'),
  s('IDBRIDGE_SECRET_KEY', z.string().regex(/^([A-Za-z0-9_-]+:)?[0-9a-fA-F]{64}(,([A-Za-z0-9_-]+:)?[0-9a-fA-F]{64})*$/).optional(), undefined,
    '32 random bytes as 64 hex digits, or `id1:hex,id2:hex` for rotation (the first encrypts, all decrypt). Encrypts personal data at rest. Required by `serve`; `dev` generates one beside its database.'),
  s('IDBRIDGE_RATE_LIMIT_CREATE', int(0, 1_000_000), '100', 'Session creations per second per customer (a burst of this many, then this many a second); a request that creates no session (refused, replayed) does not count; `0` = off. Counted per node.'),
  s('IDBRIDGE_RATE_LIMIT_PAGES', int(0, 1_000_000), '600', 'Workflow-page requests per minute per client IP; `0` = off. Counted per node.'),
  s('IDBRIDGE_MAX_WAITS', int(1, 10_000_000), '1000', 'Open long-polls plus event streams per customer on one node; more answers 429.'),
  s('IDBRIDGE_BANKID_ENV', z.enum(['simulated', 'test', 'production']), 'simulated',
    'Which BankID RP API to talk to: the built-in simulator, BankID\'s test service, or production.'),
  s('IDBRIDGE_BANKID_URL', z.url({ protocol: /^https$/ }).optional(), undefined,
    'Base URL of the BankID RP API including `/rp/v6.0`. Required for `simulated` (the URL `idbridge bankid-simulator` prints); overrides the preset URL of `test` and `production`.'),
  s('IDBRIDGE_BANKID_PFX', z.string().optional(), undefined,
    'Path of the RP client certificate (PKCS#12). Required for `production`; `test` and `simulated` default to BankID\'s public FP Testcert 5.'),
  s('IDBRIDGE_BANKID_PASSPHRASE', z.string().optional(), undefined, 'Passphrase of `IDBRIDGE_BANKID_PFX`.'),
  s('IDBRIDGE_BANKID_CA', z.string().optional(), undefined,
    'Path of the PEM CA that BankID\'s server certificate is pinned to. Required for `simulated` (the simulator\'s `ca.pem`); `test` and `production` ship BankID\'s roots.'),
  s('IDBRIDGE_BANKID_SAME_DEVICE_IP_CHECK', bool, '1',
    'Session-fixation defence (BankID\'s advice): a same-device BankID start that completes from another IP than the browser that started it fails `ip_mismatch`. Turn off only when users\' IPs legitimately change mid-flow.'),
  s('IDBRIDGE_ENABLE_DEMO', bool, '0', 'Enable the `demo` method under `serve` (always on under `dev`). Never in production: anyone could log in as a test person.'),
  s('IDBRIDGE_TRUST_PROXY', z.string(), '', 'Comma-separated addresses or CIDRs of reverse proxies whose `X-Forwarded-For` is believed; empty = use the socket address.'),
  s('IDBRIDGE_WEBHOOK_TIMEOUT_MS', int(100, 60_000), '15000', 'Timeout of one webhook delivery attempt, in milliseconds (DNS check, connect and answer together).'),
  s('IDBRIDGE_WEBHOOK_LEASE_MS', int(1_000, 3_600_000), '30000',
    'How long a node holds a webhook delivery it is attempting; after a crash another node (or the restarted one) takes it over once this runs out. At least `IDBRIDGE_WEBHOOK_TIMEOUT_MS` + 1000 (an attempt and its recording must end within the lease, or a second node may send it too).'),
  s('IDBRIDGE_ROLE', z.enum(['all', 'api', 'worker']), 'all',
    '`api` serves requests only; `worker` runs background work only (BankID collects, webhook deliveries, expiry, erasure) and answers just /healthz, /readyz, /metrics; `all` does both. `serve --role` sets it too.'),
  s('IDBRIDGE_LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', 'pino log level.'),
  s('IDBRIDGE_CONFIG', z.string().optional(), undefined,
    'Path of a JSON file whose keys are these setting names; the environment wins over the file.'),
  ...oidcSettings(),
] as const;

export type SettingKey = (typeof SETTINGS)[number]['key'];
