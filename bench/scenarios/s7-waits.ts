// Scenario 7: many open waits on one node — half long-polls (GET ?wait=30&version=N), half event
// streams (GET …/events) — RSS per open wait, and the wake-up latency when their sessions change.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startHost } from '../lib/child.js';
import { fmt, type Scenario } from '../lib/scenario.js';
import { now, roundAll, sleep, summarize } from '../lib/stats.js';
import { WAITS, WAKE_SAMPLE } from './settings.js';

interface Wait { id: string; kind: 'poll' | 'sse'; req: ClientRequest | null; open: boolean; woke: number | null; failed: string | null }

/** One connection per wait (no agent pooling), as many merchants' workers would hold them. */
function openWait(base: string, key: string, w: Wait): Promise<void> {
  const path = w.kind === 'poll' ? `/v1/sessions/${w.id}?wait=30&version=1` : `/v1/sessions/${w.id}/events`;
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { agent: false, headers: { authorization: `Bearer ${key}` } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        w.failed = `status ${res.statusCode}`;
        res.resume();
        return resolve();
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (w.kind === 'sse') {
          if (!w.open && text.includes('\n\n')) {
            w.open = true;
            resolve();
          }
          if (text.includes('"status":"cancelled"') && w.woke === null) w.woke = now();
        }
      });
      res.on('end', () => {
        if (w.kind === 'poll' && w.woke === null) {
          if (text.includes('"status":"cancelled"')) w.woke = now();
          else w.failed = 'long-poll answered without a change';
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => {
      if (!w.failed && w.woke === null) w.failed = err.message;
      resolve();
    });
    req.end();
    w.req = req;
    // A long-poll says nothing until it wakes: it counts as open once the request is sent.
    if (w.kind === 'poll') req.on('socket', (s) => s.on('connect', () => { w.open = true; resolve(); }));
  });
}

/** RSS per open wait on a server that only holds requests open: the platform's own floor. */
async function floor(kind: 'node' | 'fastify', ids: string[]): Promise<{ rss: number; heap: number; open: number }> {
  const host = await startHost('hang-host.ts', { kind });
  const list: Wait[] = ids.map((id, i) => ({ id, kind: i % 2 === 0 ? 'poll' : 'sse', req: null, open: false, woke: null, failed: null }));
  try {
    const { url } = host.info;
    const first = Math.round(list.length / 10);
    const openRange = async (from: number, to: number) => {
      for (let i = from; i < to; i += 250) await Promise.all(list.slice(i, Math.min(i + 250, to)).map((w) => openWait(url, 'none', w)));
    };
    await openRange(0, first);
    await sleep(1000);
    const before = await host.call('mem');
    await openRange(first, list.length);
    await sleep(1000);
    const after = await host.call('mem');
    const open = await host.call('openWaits');
    return { rss: (after.rss - before.rss) / (list.length - first), heap: (after.heapUsed - before.heapUsed) / (list.length - first), open };
  } finally {
    for (const w of list) w.req?.destroy();
    await host.stop();
  }
}

export const waits: Scenario = {
  id: 7,
  title: 'Open long-polls and event streams on one node',
  budgetSeconds: (quick) => (quick ? 60 : 150),
  async run(ctx, result) {
    const n = WAITS(ctx.quick);
    const broker = await startHost('broker-host.ts', { dialect: 'sqlite', env: { IDBRIDGE_RATE_LIMIT_CREATE: '0', IDBRIDGE_MAX_WAITS: '1000000' } });
    const list: Wait[] = [];
    try {
      const { url, key, merchant } = broker.info;
      const { ids } = await broker.call('prepare', { n, concurrency: 16, body: { method: 'demo', target: `${merchant}/done` } }, 120_000);
      for (let i = 0; i < n; i++) list.push({ id: ids[i], kind: i % 2 === 0 ? 'poll' : 'sse', req: null, open: false, woke: null, failed: null });
      // Open in batches so the listen backlog is never the bottleneck being measured. RSS per wait
      // is the slope between 10 % and 100 % open, so the first connections' warm-up (JIT, heap
      // spaces) does not count as per-wait memory.
      const first = Math.round(n / 10);
      const openRange = async (from: number, to: number) => {
        for (let i = from; i < to; i += 250) await Promise.all(list.slice(i, Math.min(i + 250, to)).map((w) => openWait(url, key, w)));
      };
      const t0 = now();
      await openRange(0, first);
      await sleep(1000);
      const memBefore = await broker.call('mem');
      await openRange(first, n);
      const openMs = now() - t0;
      let open = -1;
      for (let tries = 0; tries < 40; tries++) {
        open = await broker.call('openWaits');
        if (open >= n) break;
        await sleep(100);
      }
      await sleep(1000);
      const memOpen = await broker.call('mem');
      const cpuA = await broker.call('cpu');
      await sleep(ctx.quick ? 2000 : 5000);
      const cpuB = await broker.call('cpu');
      const idleCpu = (cpuB.user + cpuB.system - cpuA.user - cpuA.system) / 1000 / (cpuB.at - cpuA.at);
      const rssPer = (memOpen.rss - memBefore.rss) / (n - first);
      const heapPer = (memOpen.heapUsed - memBefore.heapUsed) / (n - first);
      ctx.log(`  ${fmt(n)} waits opened in ${fmt(openMs / 1000, 1)} s, ${fmt(open)} open on the broker: RSS ${fmt(rssPer)} B per wait (heap ${fmt(heapPer)} B); idle CPU ${fmt(idleCpu * 100)} % of a core`);
      // Wake a sample (half long-polls, half streams) at a steady pace, by cancelling their sessions.
      const sampleSize = Math.min(WAKE_SAMPLE(ctx.quick), n);
      const spread = (kind: 'poll' | 'sse') => {
        const of = list.filter((w) => w.kind === kind);
        const step = Math.max(1, Math.floor(of.length / (sampleSize / 2)));
        return of.filter((_, i) => i % step === 0).slice(0, sampleSize / 2);
      };
      const sample = [...spread('poll'), ...spread('sse')];
      const started: Record<string, number> = await broker.call('cancelPaced', { ids: sample.map((w) => w.id), perSecond: 200 }, 60_000);
      const until = now() + 5000;
      while (sample.some((w) => w.woke === null && !w.failed) && now() < until) await sleep(20);
      const lat = (kind: 'poll' | 'sse') => summarize(sample.filter((w) => w.kind === kind && w.woke !== null).map((w) => (w.woke as number) - started[w.id]));
      const all = summarize(sample.filter((w) => w.woke !== null).map((w) => (w.woke as number) - started[w.id]));
      const poll = lat('poll');
      const sse = lat('sse');
      const missed = sample.filter((w) => w.woke === null).length;
      const failed = list.filter((w) => w.failed).length;
      ctx.log(`  wake-up of ${sample.length} waits: p50 ${fmt(all.p50, 1)} ms, p99 ${fmt(all.p99, 1)} ms, max ${fmt(all.max, 1)} ms (long-poll p99 ${fmt(poll.p99, 1)}, SSE p99 ${fmt(sse.p99, 1)}); ${missed} not woken, ${failed} failed`);
      result.figures = {
        waits: n, open_on_broker: open, open_seconds: openMs / 1000, rss_before: memBefore.rss, rss_open: memOpen.rss,
        rss_bytes_per_wait: rssPer, heap_bytes_per_wait: heapPer, idle_cpu_cores: idleCpu,
        wake_sample: sample.length, wake_ms: roundAll({ ...all }, 2), wake_long_poll_ms: roundAll({ ...poll }, 2), wake_sse_ms: roundAll({ ...sse }, 2),
        not_woken: missed, failed,
      };
      result.targets.push({ name: `${fmt(n)} open waits: RSS per wait`, target: '≤ 4 KiB', value: `${fmt(rssPer)} B`, met: rssPer <= 4096 && open >= n });
      // The floor: the same waits held open by bare node:http and by bare Fastify.
      for (const kind of ['node', 'fastify'] as const) {
        const f = await floor(kind, list.map((w) => w.id));
        const name = kind === 'node' ? 'bare node:http' : 'bare Fastify';
        ctx.log(`  floor, ${name} holding ${fmt(f.open)} requests open: RSS ${fmt(f.rss)} B per open request (heap ${fmt(f.heap)} B)`);
        result.figures[`floor_${kind}`] = { open: f.open, rss_bytes_per_wait: f.rss, heap_bytes_per_wait: f.heap };
        result.targets.push({ name: `floor: ${name}, RSS per open request`, target: '(reference)', value: `${fmt(f.rss)} B (heap ${fmt(f.heap)} B)`, met: null });
      }
      result.targets.push({ name: 'wake-up latency', target: '(no target; recorded)', value: `p50 ${fmt(all.p50, 1)} ms, p99 ${fmt(all.p99, 1)} ms`, met: null });
      result.notes.push('Half the waits are long-polls (`?wait=30&version=1`), half event streams; each its own TCP connection from the runner process; IDBRIDGE_MAX_WAITS raised. RSS per wait = (RSS with all waits open − RSS with 10 % open, both after a full GC) / the other 90 %. Wake-up latency = arrival of the changed state at the client − start of the cancel call in the broker process (the sample is cancelled at 200/s). Idle CPU is the broker’s while the waits sit open (each wait re-reads its session every 5 s as a fallback).');
    } finally {
      for (const w of list) w.req?.destroy();
      await broker.stop();
    }
  },
};
