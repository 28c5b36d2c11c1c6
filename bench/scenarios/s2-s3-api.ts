// Scenarios 2 and 3: GET /v1/sessions/{id} and POST /v1/sessions on SQLite and PostgreSQL, each
// against the bare-Fastify baseline of scenario 1.
import { startHost } from '../lib/child.js';
import { cannon, type CannonResult } from '../lib/load.js';
import { fmt, pct, type Context, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import { LOAD } from './settings.js';

type Dialect = 'sqlite' | 'postgres';

function dialects(ctx: Context, result: ScenarioResult): Dialect[] {
  if (ctx.postgres) return ['sqlite', 'postgres'];
  result.notes.push('PostgreSQL at 127.0.0.1:5432 did not answer: PostgreSQL figures are missing.');
  return ['sqlite'];
}

async function measure(ctx: Context, dialect: Dialect, kind: 'read' | 'create'): Promise<CannonResult> {
  // IDBRIDGE_RATE_LIMIT_CREATE=0: the per-customer create limit (100/s by default) is lifted.
  const host = await startHost('broker-host.ts', { dialect, env: { IDBRIDGE_RATE_LIMIT_CREATE: '0' } });
  try {
    const load = LOAD(ctx.quick);
    const { url, key, merchant } = host.info;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    let target: { url: string; method: 'GET' | 'POST'; body?: string };
    if (kind === 'read') {
      const { ids } = await host.call('prepare', { n: 1, body: { method: 'demo', target: `${merchant}/done`, relay_state: 'order-4711' } });
      target = { url: `${url}/v1/sessions/${ids[0]}`, method: 'GET' };
    } else {
      headers['content-type'] = 'application/json';
      target = { url: `${url}/v1/sessions`, method: 'POST', body: JSON.stringify({ method: 'demo', target: `${merchant}/done`, relay_state: 'order-4711' }) };
    }
    await cannon({ ...target, headers, connections: load.connections, seconds: load.warmup });
    return await cannon({ ...target, headers, connections: load.connections, seconds: load.seconds });
  } finally {
    await host.stop();
  }
}

function apiScenario(id: 2 | 3, kind: 'read' | 'create', title: string, targetRatio: number): Scenario {
  return {
    id,
    title,
    budgetSeconds: (quick) => (quick ? 40 : 90),
    async run(ctx, result) {
      const base = ctx.results.get(1)?.figures as { rps?: number } | undefined;
      const baseRps = base?.rps ?? NaN;
      for (const dialect of dialects(ctx, result)) {
        const r = await measure(ctx, dialect, kind);
        const ratio = r.rps / baseRps;
        const unit = kind === 'read' ? 'req/s' : 'sessions/s';
        ctx.log(`  ${dialect}: ${fmt(r.rps)} ${unit}, p99 ${r.p99} ms, ${pct(ratio)} of baseline${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`);
        result.figures[dialect] = { ...r, ratio_to_baseline: ratio };
        result.targets.push({
          name: `${dialect}: ${unit} vs baseline`,
          target: `≥ ${targetRatio * 100} % of (1)`,
          value: `${fmt(r.rps)} ${unit} = ${pct(ratio)} (p99 ${r.p99} ms)`,
          met: r.non2xx === 0 && r.errors === 0 && ratio >= targetRatio,
        });
        if (r.non2xx || r.errors) result.notes.push(`${dialect}: ${r.non2xx} non-2xx answers and ${r.errors} errors during the run.`);
      }
    },
  };
}

export const readSession = apiScenario(2, 'read', 'GET /v1/sessions/{id} on SQLite and PostgreSQL', 0.5);
export const createSession = apiScenario(3, 'create', 'POST /v1/sessions on SQLite and PostgreSQL (IDBRIDGE_RATE_LIMIT_CREATE=0)', 0.25);
