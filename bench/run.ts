// `npm run bench [-- --quick] [-- --only=1,4] [-- --profile]`: runs every scenario of issue 7 in one
// go, each bounded in time, prints figures as it goes, and writes BENCHMARKS.md and
// bench/results.json (quick or partial runs: bench/out/). --profile runs the hosts with --cpu-prof (profiles in bench/profiles/).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { postgresAvailable } from '../test/support/databases.js';
import { setProfiling } from './lib/child.js';
import { machine } from './lib/machine.js';
import { writeReport, type Run } from './lib/report.js';
import type { Context, Scenario, ScenarioResult } from './lib/scenario.js';
import { now } from './lib/stats.js';
import { baseline } from './scenarios/s1-baseline.js';
import { createSession, readSession } from './scenarios/s2-s3-api.js';
import { flows } from './scenarios/s4-flows.js';
import { bankid } from './scenarios/s5-bankid.js';
import { webhooks } from './scenarios/s6-webhooks.js';
import { waits } from './scenarios/s7-waits.js';

const SCENARIOS: Scenario[] = [baseline, readSession, createSession, flows, bankid, webhooks, waits];

function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: over its ${seconds} s bound, abandoned`)), seconds * 1000);
    }),
  ]);
}

/** `--report-only`: rewrite BENCHMARKS.md from bench/results.json and bench/analysis.md, no run. */
function reportOnly(): number {
  const json = fileURLToPath(new URL('./results.json', import.meta.url));
  const run = JSON.parse(readFileSync(json, 'utf8')) as Run;
  writeReport({ ...run, analysis: readAnalysis() }, fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), json);
  console.log('rewrote BENCHMARKS.md from bench/results.json');
  return 0;
}

function readAnalysis(): string[] {
  const path = fileURLToPath(new URL('./analysis.md', import.meta.url));
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--report-only')) return reportOnly();
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').map(Number);
  const profile = argv.includes('--profile');
  setProfiling(profile);
  const started = now();
  const results = new Map<number, ScenarioResult>();
  const ctx: Context = { quick, postgres: await postgresAvailable(), log: (line) => console.log(line), results };
  const m = machine();
  console.log(`IDBridge benchmarks${quick ? ' (quick)' : ''}: ${m.cores} cores, ${m.cpu_model}, ${m.memory_gib} GiB, Node ${m.node}; PostgreSQL ${ctx.postgres ? 'answers' : 'does NOT answer'}`);
  let failures = 0;
  for (const s of SCENARIOS) {
    if (only && !only.includes(s.id)) continue;
    const result: ScenarioResult = { id: s.id, title: s.title, figures: {}, targets: [], notes: [] };
    console.log(`\n[${s.id}] ${s.title}`);
    const t0 = now();
    const loadBefore = loadavg()[0];
    try {
      await withTimeout(s.run(ctx, result), s.budgetSeconds(quick), `scenario ${s.id}`);
    } catch (err) {
      failures++;
      result.error = err instanceof Error ? err.stack ?? err.message : String(err);
      console.log(`  FAILED: ${result.error.split('\n').slice(0, 3).join(' / ')}`);
    }
    result.seconds = (now() - t0) / 1000;
    // Other work on the machine skews every figure: record the 1-minute load average around each.
    result.load_average = [loadBefore, loadavg()[0]].map((x) => Math.round(x * 100) / 100);
    results.set(s.id, result);
    console.log(`  (${Math.round(result.seconds)} s)`);
  }
  const analysis = readAnalysis();
  // Only a full run of every scenario replaces BENCHMARKS.md and bench/results.json; --quick and
  // --only runs (CI, development) write to bench/out/ instead.
  const partial = Boolean(only) || quick;
  if (partial) mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true });
  const md = fileURLToPath(new URL(partial ? './out/BENCHMARKS.md' : '../BENCHMARKS.md', import.meta.url));
  const json = fileURLToPath(new URL(partial ? './out/results.json' : './results.json', import.meta.url));
  writeReport({
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    quick,
    seconds: (now() - started) / 1000,
    machine: m,
    scenarios: [...results.values()],
    analysis,
  }, md, json);
  console.log(`\nwrote ${md} and ${json} in ${Math.round((now() - started) / 1000)} s`);
  return failures ? 1 : 0;
}
