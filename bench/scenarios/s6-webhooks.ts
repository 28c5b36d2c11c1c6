// Scenario 6: webhooks for 1,000 and 10,000 completions on one node — time from the final state
// (the outbox row written in its transaction) to the first delivery attempt, and deliveries per
// second to a local receiver. Completions are made in the broker process by the session driver,
// as the page's Approve makes them, as fast as 16 lanes go (a burst), and once more at a steady pace,
// while the dispatcher runs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHost } from '../lib/child.js';
import { fmt, type Scenario } from '../lib/scenario.js';
import { now, roundAll, sleep, summarize } from '../lib/stats.js';
import { WEBHOOK_COMPLETIONS, WEBHOOK_PACE } from './settings.js';

interface Receiver { url: string; arrivals: Map<string, number>; requests: number; close(): Promise<void> }

async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const t = now();
    state.requests++;
    const id = String(req.headers['webhook-id'] ?? '');
    req.resume();
    req.on('end', () => {
      if (id && !arrivals.has(id)) arrivals.set(id, t);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    get requests() { return state.requests; },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

export const webhooks: Scenario = {
  id: 6,
  title: 'Webhooks: completions → first attempt, deliveries/s',
  budgetSeconds: (quick) => (quick ? 60 : 200),
  async run(ctx, result) {
    const runs: { n: number; perSecond: number | null; backlog?: boolean }[] = [
      ...WEBHOOK_COMPLETIONS(ctx.quick).map((n) => ({ n, perSecond: null })),
      // The same at a steady pace, so the latency is the dispatcher's alone.
      { n: ctx.quick ? 300 : 1_000, perSecond: WEBHOOK_PACE },
      // A backlog: every event is written while the dispatcher is off, then it starts; the drain
      // rate is what the dispatcher can do, not how fast completions come.
      { n: Math.max(...WEBHOOK_COMPLETIONS(ctx.quick)), perSecond: null, backlog: true },
    ];
    for (const { n, perSecond: pace, backlog } of runs) {
      const label = backlog ? `${fmt(n)} backlog` : pace ? `${fmt(n)} at ${pace}/s` : `${fmt(n)} burst`;
      const receiver = await startReceiver();
      const broker = await startHost('broker-host.ts', { dialect: 'sqlite', env: { IDBRIDGE_RATE_LIMIT_CREATE: '0' }, allowPrivateWebhooks: true, runWorker: !backlog });
      try {
        await broker.call('endpoint', { url: receiver.url });
        const { ids } = await broker.call('prepare', { n, start: true, concurrency: 16, body: { method: 'demo', target: `${broker.info.merchant}/done` } }, 180_000);
        const t0 = now();
        const done = await broker.call('complete', { ids, concurrency: 16, perSecond: pace }, 180_000);
        if (backlog) await broker.call('startDispatcher');
        const deadline = now() + (ctx.quick ? 20_000 : 60_000);
        while (receiver.arrivals.size < n && now() < deadline) await sleep(50);
        const received = receiver.arrivals.size;
        const times: { created: number; first: number | null; delivered: number | null; status: string }[] = await broker.call('webhookTimes');
        const latency = summarize(times.filter((t) => t.first !== null).map((t) => (t.first as number) - t.created));
        const arrivals = [...receiver.arrivals.values()].sort((a, b) => a - b);
        const span = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000;
        const perSecond = received > 1 ? (received - 1) / span : NaN;
        const completionRate = n / (done.ms / 1000);
        const delivered = times.filter((t) => t.status === 'delivered').length;
        ctx.log(`  ${label}: ${fmt(n)} completions in ${fmt(done.ms / 1000, 1)} s (${fmt(completionRate)} /s): first attempt p50 ${fmt(latency.p50)} ms, p95 ${fmt(latency.p95)} ms, max ${fmt(latency.max)} ms; ${fmt(received)} received in ${fmt(span, 1)} s = ${fmt(perSecond)} deliveries/s`);
        result.figures[pace ? `${n}_paced_${pace}` : String(n)] = {
          completions: n, completion_seconds: done.ms / 1000, completion_rate: completionRate, failed_completions: done.failed,
          first_attempt_ms: roundAll({ ...latency }), received, receiver_requests: receiver.requests, delivered_rows: delivered,
          delivery_span_seconds: span, deliveries_per_s: perSecond, wall_seconds: (now() - t0) / 1000,
        };
        if (!backlog) result.targets.push({ name: `${label}: first attempt p95`, target: '≤ 1 s', value: `p50 ${fmt(latency.p50)} ms, p95 ${fmt(latency.p95)} ms`, met: latency.p95 <= 1000 && received === n });
        result.targets.push({ name: `${label}: deliveries/s`, target: backlog ? '≥ 1,000 /s (the dispatcher’s own rate)' : '(bounded by the completions; see backlog)', value: `${fmt(perSecond)} /s${!backlog && perSecond >= 0.9 * completionRate ? ` (= the completion rate, ${fmt(completionRate)} /s: the dispatcher kept up)` : ''}`, met: backlog ? perSecond >= 1000 && received === n : null });
        if (received < n) result.notes.push(`${label}: only ${received} of ${n} events reached the receiver within the time bound.`);
      } finally {
        await broker.stop();
        await receiver.close();
      }
    }
    result.notes.push('One broker process over SQLite with its dispatcher (compose.ts: outbox in the session transaction, dispatcher woken after commit); one endpoint (http, customer allow_private_webhooks) to a receiver in the runner process that answers 204. First-attempt latency = webhook_attempts.started_at of attempt 1 − webhook_events.created_at (the final state’s transaction), both from the broker’s clock. Deliveries/s = distinct webhook-ids received / time from the first to the last arrival; while completions are still being made, this is also bounded by how fast they come. “burst” = completions as fast as 16 lanes in the broker process make them (the process’s one core is then shared by completions and deliveries); “at N/s” = completions at a steady N per second; “backlog” = all events written with the dispatcher off, then it starts (its first-attempt latency then only measures the wait, so it is not judged).');
  },
};
