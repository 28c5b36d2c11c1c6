// Scenario 1: the limit — a bare Fastify route answering a JSON object of a session read's size.
import { startHost } from '../lib/child.js';
import { cannon } from '../lib/load.js';
import { fmt, type Scenario } from '../lib/scenario.js';
import { LOAD } from './settings.js';

export const baseline: Scenario = {
  id: 1,
  title: 'Baseline: bare Fastify route, JSON of a session read’s size',
  budgetSeconds: (quick) => (quick ? 30 : 60),
  async run(ctx, result) {
    // A real session read (from a throwaway broker) is the payload, so the sizes match exactly.
    const broker = await startHost('broker-host.ts', { dialect: 'sqlite' });
    let payload: Record<string, unknown>;
    try {
      const { ids } = await broker.call('prepare', { n: 1, body: { method: 'demo', target: `${broker.info.merchant}/done`, relay_state: 'order-4711' } });
      payload = await broker.call('read', { id: ids[0] });
    } finally {
      await broker.stop();
    }
    const host = await startHost('baseline-host.ts', { payload });
    try {
      const load = LOAD(ctx.quick);
      const url = `${host.info.url}/v1/sessions/${payload.id}`;
      await cannon({ url, connections: load.connections, seconds: load.warmup });
      const r = await cannon({ url, connections: load.connections, seconds: load.seconds });
      ctx.log(`  bare Fastify: ${fmt(r.rps)} req/s, p99 ${r.p99} ms (${host.info.bytes} B body, ${load.connections} connections, ${load.seconds} s)`);
      result.figures = { body_bytes: host.info.bytes, connections: load.connections, seconds: load.seconds, ...r };
      result.targets.push({ name: 'bare Fastify alone (2 and 3 re-measure it beside the broker)', target: '—', value: `${fmt(r.rps)} req/s, p99 ${r.p99} ms`, met: null });
    } finally {
      await host.stop();
    }
  },
};
