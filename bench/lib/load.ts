// Load generators: autocannon for single-request scenarios, and a closed loop of scripted flows
// (each virtual user runs one flow after another) bounded in time and in count.
import autocannon from 'autocannon';
import { summarize, now, type Summary } from './stats.js';

export interface CannonResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export async function cannon(opts: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; connections: number; seconds: number }): Promise<CannonResult> {
  const r = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

export interface LoopResult {
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  latency: Summary;
  firstError: string | null;
}

/** Runs `flow` in `users` parallel loops until `seconds` pass or `maxFlows` started. */
export async function closedLoop(flow: () => Promise<void>, opts: { users: number; seconds: number; maxFlows: number }): Promise<LoopResult> {
  const t0 = now();
  const deadline = t0 + opts.seconds * 1000;
  const times: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | null = null;
  const user = async () => {
    while (now() < deadline && started < opts.maxFlows) {
      started++;
      const s = now();
      try {
        await flow();
        times.push(now() - s);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
        if (failed > 50 && failed > times.length) throw new Error(`flows failing: ${firstError}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.users }, user));
  const seconds = (now() - t0) / 1000;
  return { completed: times.length, failed, seconds, perSecond: times.length / seconds, latency: summarize(times), firstError };
}
