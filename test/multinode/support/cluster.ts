// Several `idbridge serve` processes on one PostgreSQL schema, with one BankID simulator (in the
// test's process) and a webhook receiver on 127.0.0.1. Each node has its own RP client certificate
// (CN = the node's name), issued by the simulator's CA: the simulator records the CN of every call,
// which is how it tells which node collected, exactly as real BankID could tell two RP certificates
// apart. Nodes are child processes, so a test can SIGKILL one and start it again on its port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { addCustomer } from '../../../src/customers.js';
import { luhnCheckDigit } from '../../../src/providers/bankid-se/personal-number.js';
import { loadOrCreateCredentials } from '../../../src/providers/bankid-se/simulator/ca-store.js';
import { startBankIdSimulator, type BankIdSimulator } from '../../../src/providers/bankid-se/simulator/index.js';
import { issueClient, toPkcs12 } from '../../../src/providers/bankid-se/simulator/pki.js';
import { openStore, type Store } from '../../../src/storage/store.js';
import { registerEndpoint } from '../../../src/webhooks/register-endpoint.js';
import { openDatabase, TEST_SECRET, type TestDatabase } from '../../support/databases.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, type BrokerProcess } from '../../webhooks-integration/support/broker-process.js';
import { migrateFresh } from '../../webhooks/support/migrate.js';
import { startReceiver, type Receiver } from '../../webhooks/support/receiver.js';

export type Role = 'api' | 'worker' | 'all';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `idbridge serve` as a child process, as test/webhooks-integration/support/broker-process.ts does,
 * but with a start deadline that suits a busy 2-core machine (three nodes start at once) and a
 * child that is killed, not left behind, when it does not come up in time.
 */
async function startNodeProcess(env: Record<string, string>, port: number, deadlineMs = 90_000): Promise<BrokerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/idbridge.js', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
      IDBRIDGE_PORT: String(port), IDBRIDGE_HOST: '127.0.0.1', IDBRIDGE_PUBLIC_URL: url, IDBRIDGE_LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited ${child.exitCode}: ${log}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`node did not start within ${deadlineMs} ms: ${log}`);
    }
    await sleep(100);
  }
  return { url, child, output: () => log, kill };
}

export interface Node {
  name: string;
  role: Role;
  port: number;
  url: string;
  process: BrokerProcess | null;
  /** The logs of every run so far, the current one included. */
  output(): string;
  starts: number;
  /** Exits the test did not cause (a crash), as `code/signal: last log lines`. */
  crashes: string[];
  start(): Promise<void>;
  kill(): Promise<void>;
}

export interface Cluster {
  db: TestDatabase;
  store: Store;
  sim: BankIdSimulator;
  receiver: Receiver;
  key: string;
  webhookSecret: string;
  nodes: Node[];
  node(name: string): Node;
  api(node: Node, path: string, init?: { method?: string; json?: unknown; signal?: AbortSignal }): Promise<{ status: number; body: any; headers: Headers }>;
  /** The simulated phone app (no client certificate needed). */
  app(path: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  nodes: { name: string; role: Role }[];
  env?: Record<string, string>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const db = await openDatabase('postgres');
    cleanups.push(() => db.drop());
    // Migrated once here, not by three nodes racing each other (see migrateFresh).
    const store = await openStore(db.url, TEST_SECRET, { poolSize: 2 });
    cleanups.push(() => store.close());
    await migrateFresh(store);
    const certsDir = mkdtempSync(join(tmpdir(), 'idbridge-cluster-'));
    cleanups.push(async () => rmSync(certsDir, { recursive: true, force: true }));
    const sim = await startBankIdSimulator({ certsDir });
    cleanups.push(() => sim.close());
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { customer, api_key } = await addCustomer(store, { name: 'Cluster shop', allow_private_webhooks: true }, new Date());
    const reg = await registerEndpoint(store, { customer_id: customer.id, allow_private: true, url: receiver.url, events: null }, { now: new Date() });
    if (!reg.ok) throw new Error(reg.reason);

    const { ca } = loadOrCreateCredentials(certsDir);
    const agent = new Agent({ connect: { ca: sim.caPem } });
    cleanups.push(() => agent.close());
    const nodes: Node[] = [];
    for (const spec of options.nodes) {
      const pfx = join(certsDir, `${spec.name}.p12`);
      writeFileSync(pfx, toPkcs12(issueClient(ca, spec.name), ca, 'node-pass'));
      const port = await freePort();
      const env = {
        IDBRIDGE_DATABASE_URL: db.url,
        IDBRIDGE_SECRET_KEY: TEST_SECRET,
        IDBRIDGE_ROLE: spec.role,
        IDBRIDGE_DB_POOL_SIZE: '3',
        IDBRIDGE_BANKID_ENV: 'simulated',
        IDBRIDGE_BANKID_URL: sim.rpUrl,
        IDBRIDGE_BANKID_CA: join(certsDir, 'ca.pem'),
        IDBRIDGE_BANKID_PFX: pfx,
        IDBRIDGE_BANKID_PASSPHRASE: 'node-pass',
        ...options.env,
      };
      const runs: BrokerProcess[] = [];
      const killed = new WeakSet<BrokerProcess>();
      const node: Node = {
        ...spec, port, url: `http://127.0.0.1:${port}`, process: null, starts: 0, crashes: [],
        output: () => runs.map((r) => r.output()).join(''),
        async start() {
          const p = await startNodeProcess(env, port);
          node.process = p;
          runs.push(p);
          node.starts++;
          p.child.once('exit', (code, signal) => {
            if (!killed.has(p)) node.crashes.push(`${code}/${signal}: ${p.output().slice(-2000)}`);
          });
        },
        async kill() {
          const p = node.process;
          node.process = null;
          if (p) killed.add(p);
          await p?.kill();
        },
      };
      nodes.push(node);
      cleanups.push(() => node.kill());
    }
    await Promise.all(nodes.map((n) => n.start()));
    return {
      db, store, sim, receiver, key: api_key, webhookSecret: reg.secret, nodes,
      node: (name) => nodes.find((n) => n.name === name)!,
      async api(node, path, init = {}) {
        const res = await fetch(`${node.url}${path}`, {
          method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
          headers: { authorization: `Bearer ${api_key}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: init.json === undefined ? undefined : JSON.stringify(init.json),
          signal: init.signal,
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        return { status: res.status, body, headers: res.headers };
      },
      async app(path, body) {
        const res = await request(`${sim.url}${path}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await res.body.text();
        return { status: res.statusCode, body: text ? JSON.parse(text) : null };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The n-th test person: 1990-01-01 with serial n, a valid check digit (distinct people, so that
 * approving one order does not end another person's, reference §1.6). */
export function testPerson(n: number): string {
  const serial = String(100 + (n % 900)).padStart(3, '0');
  const day = String(1 + Math.floor(n / 900) % 28).padStart(2, '0');
  const nine = `9001${day}${serial}`;
  return `19${nine}${luhnCheckDigit(nine)}`;
}

export interface CollectReport {
  orders: number;
  collects: number;
  byNode: Record<string, number>;
  /** Largest / smallest gap between two consecutive collects of one order, over every order. */
  maxIntervalMs: number;
  minIntervalMs: number;
  /** Consecutive collects of one order made by two different nodes. */
  handovers: number;
  /** Per order: its collects as [time ms, node]. */
  perOrder: Map<string, Array<[number, string]>>;
}

/** What the simulator recorded of the collects of the given orders. */
export function collectReport(sim: BankIdSimulator, orderRefs: string[]): CollectReport {
  const wanted = new Set(orderRefs);
  const perOrder = new Map<string, Array<[number, string]>>(orderRefs.map((r) => [r, []]));
  const byNode: Record<string, number> = {};
  let collects = 0;
  for (const c of sim.calls) {
    if (c.endpoint !== 'collect' || !c.orderRef || !wanted.has(c.orderRef)) continue;
    perOrder.get(c.orderRef)!.push([c.at.getTime(), c.clientCn]);
    byNode[c.clientCn] = (byNode[c.clientCn] ?? 0) + 1;
    collects++;
  }
  let maxIntervalMs = 0;
  let minIntervalMs = Infinity;
  let handovers = 0;
  for (const list of perOrder.values()) {
    list.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < list.length; i++) {
      const gap = list[i][0] - list[i - 1][0];
      maxIntervalMs = Math.max(maxIntervalMs, gap);
      minIntervalMs = Math.min(minIntervalMs, gap);
      if (list[i][1] !== list[i - 1][1]) handovers++;
    }
  }
  return { orders: orderRefs.length, collects, byNode, maxIntervalMs, minIntervalMs, handovers, perOrder };
}

/** Reads a whole event stream (it ends after the final status) into its events. */
export async function readEvents(res: Response): Promise<Array<{ id: number; data: any }>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: session'))
    .map((block) => {
      const id = Number(/^id: (\d+)$/m.exec(block)?.[1]);
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      return { id, data };
    });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
