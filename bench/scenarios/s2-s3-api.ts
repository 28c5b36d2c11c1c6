// Scenarios 2 and 3: GET /v1/sessions/{id} and POST /v1/sessions on SQLite and PostgreSQL, each
// against the bare-Fastify baseline of scenario 1.
import { startHost, type Host } from '../lib/child.js';
import { cannon, type CannonResult } from '../lib/load.js';
import { fmt, pct, type Context, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { LOAD } from './settings.js';

type Dialect = 'sqlite' | 'postgres';

function dialects(ctx: Context, result: ScenarioResult): Dialect[] {
  if (ctx.postgres) return ['sqlite', 'postgres'];
  result.notes.push('PostgreSQL at 127.0.0.1:5432 did not answer: PostgreSQL figures are missing.');
  return ['sqlite'];
}

/** Sums autocannon slices: requests/s over the slices, p99 the worst slice's. */
function combine(slices: CannonResult[], seconds: number): CannonResult {
  const total = slices.reduce((a, r) => a + r.requests, 0);
  return {
    rps: total / seconds,
    p50: Math.max(...slices.map((r) => r.p50)),
    p99: Math.max(...slices.map((r) => r.p99)),
    max: Math.max(...slices.map((r) => r.max)),
    requests: total,
    non2xx: slices.reduce((a, r) => a + r.non2xx, 0),
    errors: slices.reduce((a, r) => a + r.errors, 0),
    timeouts: slices.reduce((a, r) => a + r.timeouts, 0),
  };
}

/**
 * The broker and a bare-Fastify baseline (scenario 1's route, same payload) run side by side and are
 * loaded in alternating slices, so that both see the same moments of a shared machine and the
 * ratio compares like with like.
 */
async function measure(ctx: Context, dialect: Dialect, kind: 'read' | 'create'): Promise<{ broker: CannonResult; baseline: CannonResult }> {
  // IDBRIDGE_RATE_LIMIT_CREATE=0: the per-customer create limit (100/s by default) is lifted.
  // IDBRIDGE_DB_POOL_SIZE=10 is the default; the test support's brokers use 3 (many share one server).
  const host = await startHost('broker-host.ts', { dialect, env: { IDBRIDGE_RATE_LIMIT_CREATE: '0', IDBRIDGE_DB_POOL_SIZE: '10' } });
  let base: Host | null = null;
  try {
    const load = LOAD(ctx.quick);
    const { url, key, merchant } = host.info;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    const { ids } = await host.call('prepare', { n: 1, body: { method: 'demo', target: `${merchant}/done`, relay_state: 'order-4711' } });
    const payload = await host.call('read', { id: ids[0] });
    base = await startHost('baseline-host.ts', { payload });
    let target: { url: string; method: 'GET' | 'POST'; body?: string };
    if (kind === 'read') {
      target = { url: `${url}/v1/sessions/${ids[0]}`, method: 'GET' };
    } else {
      headers['content-type'] = 'application/json';
      target = { url: `${url}/v1/sessions`, method: 'POST', body: JSON.stringify({ method: 'demo', target: `${merchant}/done`, relay_state: 'order-4711' }) };
    }
    const baseTarget = { url: `${base.info.url}/v1/sessions/${ids[0]}`, method: 'GET' as const };
    await cannon({ ...target, headers, connections: load.connections, seconds: load.warmup });
    await cannon({ ...baseTarget, connections: load.connections, seconds: load.warmup });
    const slice = Math.max(1, Math.round(load.seconds / load.rounds));
    const ours: CannonResult[] = [];
    const theirs: CannonResult[] = [];
    for (let r = 0; r < load.rounds; r++) {
      ours.push(await cannon({ ...target, headers, connections: load.connections, seconds: slice }));
      theirs.push(await cannon({ ...baseTarget, connections: load.connections, seconds: slice }));
    }
    return { broker: combine(ours, slice * load.rounds), baseline: combine(theirs, slice * load.rounds) };
  } finally {
    await host.stop();
    await base?.stop();
  }
}

function apiScenario(id: 2 | 3, kind: 'read' | 'create', title: string, targetRatio: number): Scenario {
  return {
    id,
    title,
    budgetSeconds: (quick) => (quick ? 50 : 110),
    async run(ctx, result) {
      for (const dialect of dialects(ctx, result)) {
        const { broker: r, baseline } = await measure(ctx, dialect, kind);
        const baseRps = baseline.rps;
        const ratio = r.rps / baseRps;
        const unit = kind === 'read' ? 'req/s' : 'sessions/s';
        ctx.log(`  ${dialect}: ${fmt(r.rps)} ${unit}, p99 ${r.p99} ms; bare Fastify in the same slices ${fmt(baseRps)} req/s: ${pct(ratio)}${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`);
        result.figures[dialect] = { ...r, baseline_rps: baseRps, baseline_p99: baseline.p99, ratio_to_baseline: ratio };
        result.targets.push({
          name: `${dialect}: ${unit} vs baseline`,
          target: `≥ ${targetRatio * 100} % of (1)`,
          value: `${fmt(r.rps)} ${unit} vs ${fmt(baseRps)} = ${pct(ratio)} (p99 ${r.p99} ms)`,
          met: r.non2xx === 0 && r.errors === 0 && ratio >= targetRatio,
        });
        if (r.non2xx || r.errors) result.notes.push(`${dialect}: ${r.non2xx} non-2xx answers and ${r.errors} errors during the run.`);
      }
      result.notes.push('The ratio is to a bare-Fastify route (scenario 1’s, same JSON body) started beside the broker and loaded in alternating slices with it (3 × 3 s each in a full run), so that both are measured under the same load on a shared machine.');
    },
  };
}

export const readSession = apiScenario(2, 'read', 'GET /v1/sessions/{id} on SQLite and PostgreSQL', 0.5);
export const createSession = apiScenario(3, 'create', 'POST /v1/sessions on SQLite and PostgreSQL (IDBRIDGE_RATE_LIMIT_CREATE=0)', 0.25);
