// Scenario 4: full demo flows per second against oidc-provider's authorization-code flow, both
// scripted over HTTP by the same closed loop (same users, same time) in the same run.
import { startHost } from '../lib/child.js';
import { brokerFlow } from '../lib/flow.js';
import { closedLoop, type LoopResult } from '../lib/load.js';
import { peerFlow } from '../lib/peer-flow.js';
import { fmt, type Scenario } from '../lib/scenario.js';
import { roundAll, summarize } from '../lib/stats.js';
import { FLOW_ROUNDS, FLOWS } from './settings.js';

const show = (r: LoopResult) => `${fmt(r.perSecond, 1)} flows/s (${r.completed} in ${fmt(r.seconds, 1)} s, p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms${r.failed ? `, ${r.failed} failed: ${r.firstError}` : ''})`;

/** Alternating slices as one result (latency percentiles over the slices' p50/p99 are not
 * recoverable, so the slices' worst is kept). */
function merge(slices: LoopResult[]): LoopResult {
  const completed = slices.reduce((x, r) => x + r.completed, 0);
  const seconds = slices.reduce((x, r) => x + r.seconds, 0);
  const worst = (k: 'p50' | 'p95' | 'p99' | 'max') => Math.max(...slices.map((r) => r.latency[k]));
  const latency = { ...summarize([]), count: completed, p50: worst('p50'), p95: worst('p95'), p99: worst('p99'), max: worst('max') };
  return { completed, failed: slices.reduce((x, r) => x + r.failed, 0), seconds, perSecond: completed / seconds, latency, firstError: slices.find((r) => r.firstError)?.firstError ?? null };
}

export const flows: Scenario = {
  id: 4,
  title: 'Full demo flow per second vs oidc-provider’s authorization-code flow',
  budgetSeconds: (quick) => (quick ? 45 : 90),
  async run(ctx, result) {
    const opts = FLOWS(ctx.quick);
    // Both servers run side by side and take turns (alternating slices), so that both see the same
    // moments of a shared machine.
    const broker = await startHost('broker-host.ts', { dialect: 'sqlite', env: { IDBRIDGE_RATE_LIMIT_CREATE: '0' } });
    const peer = await startHost('peer-op-host.ts', {}).catch(async (err) => {
      await broker.stop();
      throw err;
    });
    let ours: LoopResult;
    let theirs: LoopResult;
    try {
      const { url, key, merchant } = broker.info;
      const oursFlow = () => brokerFlow(url, key, `${merchant}/done`);
      const theirsFlow = () => peerFlow(peer.info.url);
      await closedLoop(oursFlow, { ...opts, seconds: 1.5 });
      await closedLoop(theirsFlow, { ...opts, seconds: 1.5 });
      const rounds = FLOW_ROUNDS(ctx.quick);
      const slice = { ...opts, seconds: opts.seconds / rounds, maxFlows: Math.ceil(opts.maxFlows / rounds) };
      const a: LoopResult[] = [];
      const b: LoopResult[] = [];
      for (let r = 0; r < rounds; r++) {
        a.push(await closedLoop(oursFlow, slice));
        b.push(await closedLoop(theirsFlow, slice));
      }
      ours = merge(a);
      theirs = merge(b);
    } finally {
      await broker.stop();
      await peer.stop();
    }
    ctx.log(`  IDBridge demo flow (SQLite): ${show(ours)}`);
    ctx.log(`  oidc-provider code flow: ${show(theirs)}`);
    const ratio = ours.perSecond / theirs.perSecond;
    ctx.log(`  ratio ${fmt(ratio, 2)}×`);
    const pack = (r: LoopResult) => ({ flows_per_s: r.perSecond, completed: r.completed, failed: r.failed, seconds: r.seconds, latency_ms: roundAll({ ...r.latency }), first_error: r.firstError });
    result.figures = { users: opts.users, seconds: opts.seconds, idbridge: pack(ours), oidc_provider: pack(theirs), ratio };
    result.targets.push({ name: 'flows/s vs the peer', target: '≥ 2× oidc-provider', value: `${fmt(ours.perSecond, 1)} vs ${fmt(theirs.perSecond, 1)} = ${fmt(ratio, 2)}×`, met: ratio >= 2 && ours.failed === 0 });
    result.notes.push('IDBridge: POST /v1/sessions, GET page, POST bind, POST start, POST action approve (answers the target URL), GET /v1/sessions/{id} — 6 requests. oidc-provider 9 (devInteractions, in-memory adapter, PKCE S256, client_secret_post): GET /auth, GET login form, POST login, GET /auth/{uid}, GET consent form, POST consent, GET /auth/{uid} → code, POST /token — 8 requests.');
    result.notes.push(`Both run side by side and take turns: ${FLOW_ROUNDS(ctx.quick)} alternating slices each, ${opts.users} virtual users (closed loop); latency figures are the worst slice’s.`);
    result.notes.push('The workflow-page rate limit (IDBRIDGE_RATE_LIMIT_PAGES, per client IP) is off here: every virtual user comes from 127.0.0.1.');
  },
};
