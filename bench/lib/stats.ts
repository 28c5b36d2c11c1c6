// Small statistics helpers: percentiles over raw samples, rounding for the report.

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const arr = Array.from(sorted);
  const mean = arr.length ? arr.reduce((a, b) => a + b, 0) / arr.length : NaN;
  return {
    count: arr.length,
    min: arr[0] ?? NaN,
    p50: percentile(arr, 50),
    p95: percentile(arr, 95),
    p99: percentile(arr, 99),
    max: arr[arr.length - 1] ?? NaN,
    mean,
  };
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export function roundAll<T extends Record<string, number>>(o: T, digits = 1): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, digits)])) as T;
}

export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
