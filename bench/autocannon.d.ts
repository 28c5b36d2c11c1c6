// autocannon 8 ships no types; the slice the suite uses.
declare module 'autocannon' {
  interface Histogram { average: number; total: number; p50: number; p99: number; max: number; min: number }
  interface Result { requests: Histogram; latency: Histogram; non2xx: number; errors: number; timeouts: number }
  interface Options { url: string; method?: string; headers?: Record<string, string>; body?: string; connections?: number; duration?: number; timeout?: number }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
