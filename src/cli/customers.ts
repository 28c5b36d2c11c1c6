// `idbridge customers add|list|update` and `idbridge keys create|revoke` (API.md §1).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/ids.js';
import { addCustomer, AdminError, checkMethods, checkUrlList, customerJson, issueApiKey } from '../customers.js';
import { openStore, type Store } from '../storage/store.js';
import { checkWebhookUrl } from '../webhooks/ssrf-guard.js';
import { registerEndpoint } from '../webhooks/register-endpoint.js';
import { closeSoon } from './one-shot.js';
import { adminSecret, knownSecret } from './secret.js';

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config.databaseUrl, adminSecret(config));
  try {
    await store.migrate();
    return await fn(store);
  } finally {
    await closeSoon(store);
  }
}

const out = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

async function checkWebhookUrlOrFail(url: string, allowPrivate: boolean): Promise<void> {
  const checked = await checkWebhookUrl(url, { allowPrivate });
  if (!checked.ok) throw new AdminError(`--webhook-url ${url}: webhook_url_not_allowed: ${checked.reason}`);
}

/** Every session event goes to the endpoint; the secret is printed once, like the API key. */
async function addWebhookEndpoint(store: Store, customerId: string, url: string, allowPrivate: boolean) {
  const r = await registerEndpoint(store, { customer_id: customerId, allow_private: allowPrivate, url, events: null }, { now: systemClock.now() });
  if (!r.ok) throw new AdminError(`--webhook-url ${url}: webhook_url_not_allowed: ${r.reason}`);
  return { id: r.endpoint.id, url: r.endpoint.url, secret: r.secret };
}

/** The flags of `customers add|list|update`; main.ts's usage names each (test/docs/cli-usage.test.ts). */
export const CUSTOMERS_OPTIONS = {
  name: { type: 'string' },
  target: { type: 'string', multiple: true },
  'frame-origin': { type: 'string', multiple: true },
  method: { type: 'string', multiple: true },
  'webhook-url': { type: 'string' },
  'allow-private-webhooks': { type: 'boolean' },
  'retention-hours': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function customersCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    // `--no-allow-private-webhooks` turns the flag off again (customers update).
    allowNegative: true,
    options: CUSTOMERS_OPTIONS,
  });
  const retention = values['retention-hours'] === undefined ? undefined : Number(values['retention-hours']);
  if (retention !== undefined && (!Number.isInteger(retention) || retention < 0 || retention > 24 * 365)) {
    throw new AdminError('--retention-hours: a whole number of hours from 0 to 8760');
  }
  if (sub === 'add') {
    if (!values.name) throw new AdminError('--name is required');
    // Every argument is checked before the database is opened: a refused call touches nothing.
    checkUrlList(values.target ?? [], 'target');
    checkUrlList(values['frame-origin'] ?? [], 'frame-origin');
    if (values.method) checkMethods(values.method);
    const allowPrivate = values['allow-private-webhooks'] ?? false;
    const webhookUrl = values['webhook-url'];
    // Refuse a bad webhook URL before anything is written (API.md §5 rules, as at the API).
    if (webhookUrl) await checkWebhookUrlOrFail(webhookUrl, allowPrivate);
    // The endpoint's secret is sealed with the broker's key: under a throwaway key no broker could sign with it.
    if (webhookUrl && !knownSecret(loadConfig())) throw new AdminError('--webhook-url needs IDBRIDGE_SECRET_KEY set to the broker\'s key (the endpoint\'s secret is sealed with it)');
    const r = await withStore(async (store) => {
      const added = await addCustomer(store, {
        name: values.name as string,
        targets: values.target,
        frame_origins: values['frame-origin'],
        methods: values.method ? checkMethods(values.method) : undefined,
        retention_hours: retention,
        allow_private_webhooks: allowPrivate,
      }, systemClock.now());
      const webhook = webhookUrl ? await addWebhookEndpoint(store, added.customer.id, webhookUrl, allowPrivate) : null;
      return { ...added, webhook };
    });
    return out({ id: r.customer.id, api_key: r.api_key, key_prefix: r.prefix, webhook_endpoint: r.webhook });
  }
  if (sub === 'list') return out(await withStore(async (store) => (await store.listCustomers()).map(customerJson)));
  if (sub === 'update') {
    const id = positionals[0];
    if (!id) throw new AdminError('usage: customers update ID [--name N] [--target URL]... [--frame-origin O]... [--retention-hours H] [--allow-private-webhooks | --no-allow-private-webhooks]');
    // update registers no endpoint: saying nothing would let an operator think it did.
    if (values['webhook-url'] !== undefined) throw new AdminError('--webhook-url is for customers add; add an endpoint with POST /v1/webhook-endpoints');
    if (values.target) checkUrlList(values.target, 'target');
    if (values['frame-origin']) checkUrlList(values['frame-origin'], 'frame-origin');
    const updated = await withStore((store) =>
      store.updateCustomer(id, {
        name: values.name,
        targets: values.target,
        frame_origins: values['frame-origin'],
        methods: values.method ? checkMethods(values.method) : undefined,
        retention_hours: retention,
        allow_private_webhooks: values['allow-private-webhooks'],
      }, systemClock.now()),
    );
    if (!updated) throw new AdminError(`no customer ${id}`);
    return out(customerJson(updated));
  }
  throw new AdminError('usage: customers add|list|update …');
}

export async function keysCommand(argv: string[]): Promise<void> {
  const [sub, arg] = argv;
  if (sub === 'create' && arg) {
    const r = await withStore(async (store) => {
      if (!(await store.getCustomer(arg))) throw new AdminError(`no customer ${arg}`);
      return issueApiKey(store, arg, systemClock.now());
    });
    return out({ customer_id: arg, key_prefix: r.prefix, api_key: r.api_key });
  }
  if (sub === 'revoke' && arg) {
    const n = await withStore((store) => store.revokeApiKey(arg, systemClock.now()));
    if (n === 0) throw new AdminError(`no active key with prefix ${arg}`);
    return out({ revoked: arg });
  }
  throw new AdminError('usage: keys create CUSTOMER_ID --json | keys revoke KEY_PREFIX');
}
