// Summarises a .cpuprofile (node --cpu-prof, or `npm run bench -- --profile`): self time by
// function and by package, the figures BENCHMARKS.md quotes. Usage: node --import tsx
// bench/profile-summary.ts FILE [TOP]
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export function summarise(path: string, top = 25): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    const url = n.callFrame.url.replace(/^file:\/\/\/work\/main\//, '');
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith('src/') ? url.split('/').slice(0, 2).join('/') : url.startsWith('node:') ? 'node:internal' : url || n.callFrame.functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
  }
  const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
  return `${path}: ${(total / 1e6).toFixed(1)} s sampled\n-- self time by package\n${fmt(byPkg)}\n-- self time by function\n${fmt(byFn)}`;
}

if (process.argv[2]) console.log(summarise(process.argv[2], Number(process.argv[3] ?? 25)));
