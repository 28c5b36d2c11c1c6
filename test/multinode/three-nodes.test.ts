// Issue 6, "What must be shown": three `idbridge serve` processes on one PostgreSQL. Sessions are
// created on node A (--role api), read by long-poll and by event stream on node C (--role all),
// and collected by whichever of B (--role worker) and C holds the lease. The BankID simulator
// records the client certificate of every collect (one per node): every order is collected by one
// node at a time, never twice within a second, and never by the api-only node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { collectReport, readEvents, sleep, startCluster, testPerson, type Cluster } from './support/cluster.js';

const pgAvailable = (await dialects()).includes('postgres');
const SESSIONS = 6;

describe.runIf(pgAvailable)('three nodes on one PostgreSQL', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ nodes: [{ name: 'node-a', role: 'api' }, { name: 'node-b', role: 'worker' }, { name: 'node-c', role: 'all' }] });
  }, 150_000);
  afterAll(async () => c?.close());

  it('creates on A, follows on C, collects on B and C one node at a time', async () => {
    const [a, b, cNode] = [c.node('node-a'), c.node('node-b'), c.node('node-c')];
    // The worker role serves no API: only /healthz, /readyz, /metrics.
    expect((await c.api(b, '/v1/sessions?updated_since=2020-01-01T00:00:00Z')).status).toBe(404);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);

    const flows = Array.from({ length: SESSIONS }, async (_, i) => {
      await sleep(i * 250);
      const created = await c.api(a, '/v1/sessions', { json: { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', relay_state: `r${i}` } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const s = created.body;
      expect(s.status).toBe('pending');
      const order = c.sim.orders.findBy((o) => o.autoStartToken === s.launch.auto_start_token);
      expect(order).toBeDefined();

      // The event stream and the long-poll wait on node C; the change is made on B or C.
      const stream = fetch(`${cNode.url}/v1/sessions/${s.id}/events`, { headers: { authorization: `Bearer ${c.key}` } }).then(readEvents);
      const seen: string[] = [];
      const longPoll = (async () => {
        let version = s.version;
        for (;;) {
          const r = await c.api(cNode, `/v1/sessions/${s.id}?wait=25&version=${version}`);
          expect(r.status).toBe(200);
          expect(r.body.version).toBeGreaterThan(version);
          version = r.body.version;
          seen.push(r.body.status);
          if (r.body.status !== 'pending') return r.body;
        }
      })();

      // A few collects while the order waits for the app, then the person approves.
      await sleep(4500);
      const approved = await c.app('/app/autostart', { auto_start_token: s.launch.auto_start_token, personal_number: testPerson(i), action: 'approve' });
      expect(approved.status).toBe(200);
      const approvedAt = Date.now();
      const final = await longPoll;
      const events = await stream;
      return { s, orderRef: order!.orderRef, final, events, seen, person: testPerson(i), wokeAfterMs: Date.now() - approvedAt };
    });
    const results = await Promise.all(flows);

    for (const r of results) {
      expect(r.final).toMatchObject({ id: r.s.id, status: 'complete', relay_state: r.s.relay_state });
      expect(r.final.result.identity.national_id.value).toBe(r.person);
      expect(r.seen.filter((x) => x === 'complete')).toHaveLength(1);
      // The stream: the current state first, then every change in order, ending with the final one.
      const versions = r.events.map((e) => e.id);
      expect(versions[0]).toBeGreaterThanOrEqual(r.s.version);
      expect([...versions].sort((x, y) => x - y)).toEqual(versions);
      expect(new Set(versions).size).toBe(versions.length);
      expect(r.events.at(-1)!.data).toMatchObject({ status: 'complete', version: r.final.version });
      expect(r.events.filter((e) => e.data.status === 'complete')).toHaveLength(1);
    }
    // Reads agree on every node that serves the API.
    for (const r of results) {
      const onA = await c.api(a, `/v1/sessions/${r.s.id}`);
      expect(onA.body).toMatchObject({ status: 'complete', version: r.final.version });
    }

    const report = collectReport(c.sim, results.map((r) => r.orderRef));
    process.stdout.write(`three nodes: ${JSON.stringify({ ...report, perOrder: undefined })}\n`);
    // Collected by the nodes that run background work, never by the api-only node. Which of B and
    // C claims a new order is a race (the less busy one tends to win every time), so that both can
    // collect is shown below, one at a time, with the other paused.
    expect(Object.keys(report.byNode).length).toBeGreaterThan(0);
    for (const n of Object.keys(report.byNode)) expect(['node-b', 'node-c']).toContain(n);
    for (const [ref, list] of report.perOrder) {
      expect(list.length, ref).toBeGreaterThanOrEqual(2);
    }
    // One node at a time: two collects of one order are never closer than a second (BankID asks
    // for one every 2 s; a second node collecting beside the first would show up as a short gap).
    expect(report.minIntervalMs).toBeGreaterThanOrEqual(1000);
    // Nobody was left waiting for a lease (30 s): with every node alive a collect follows the last
    // after about 2 s (up to 2.7 s seen on a busy machine; 5 s leaves room for more).
    expect(report.maxIntervalMs).toBeLessThan(5000);
  });

  it('each background node collects an order when it is the one free to (the other paused)', async () => {
    const a = c.node('node-a');
    for (const [collector, paused] of [['node-b', 'node-c'], ['node-c', 'node-b']] as const) {
      const other = c.node(paused).process!.child;
      other.kill('SIGSTOP');
      try {
        const created = await c.api(a, '/v1/sessions', { json: { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1' } });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const s = created.body;
        const order = c.sim.orders.findBy((o) => o.autoStartToken === s.launch.auto_start_token)!;
        const collectedBy = () => collectReport(c.sim, [order.orderRef]).byNode;
        for (let i = 0; i < 100 && !collectedBy()[collector]; i++) await sleep(100);
        expect(collectedBy()).toEqual({ [collector]: expect.any(Number) });
        await c.app('/app/autostart', { auto_start_token: s.launch.auto_start_token, personal_number: testPerson(90), action: 'approve' });
        let status = 'pending';
        for (let i = 0; i < 100 && status === 'pending'; i++) {
          await sleep(100);
          status = (await c.api(a, `/v1/sessions/${s.id}`)).body.status;
        }
        expect(status).toBe('complete');
      } finally {
        other.kill('SIGCONT');
      }
    }
  }, 60_000);
});
