// Sizes of every scenario: full run (under 10 minutes on 2 cores) and --quick (CI, a few minutes).
export const LOAD = (quick: boolean) => ({ connections: 32, seconds: quick ? 2 : 9, warmup: quick ? 1 : 2, rounds: quick ? 2 : 3 });
export const FLOW_ROUNDS = (quick: boolean) => (quick ? 2 : 3);
export const FLOWS = (quick: boolean) => ({ users: 16, seconds: quick ? 4 : 15, maxFlows: quick ? 4_000 : 40_000 });
/** BENCH_BANKID_ORDERS=5000,10000 overrides the sizes (profiling one size at a time). */
export const BANKID_ORDERS = (quick: boolean) =>
  process.env.BENCH_BANKID_ORDERS ? process.env.BENCH_BANKID_ORDERS.split(',').map(Number) : quick ? [300] : [1_000, 10_000];
export const BANKID_WINDOW_S = (quick: boolean) => (quick ? 7 : 16);
export const WEBHOOK_COMPLETIONS = (quick: boolean) => (quick ? [300] : [1_000, 10_000]);
export const WAITS = (quick: boolean) => (quick ? 1_000 : 10_000);
export const WAKE_SAMPLE = (quick: boolean) => (quick ? 200 : 1_000);
export const WEBHOOK_PACE = 250;
