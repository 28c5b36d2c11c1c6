// `npm run test:faults`: the fault tests (test/faults/*.fault.ts), kept out of `npm test` because
// they SIGKILL brokers and restart PostgreSQL, which would disturb suites running beside them.
import { defineConfig } from 'vitest/config';

const durationS = Number(process.env.IDBRIDGE_FAULT_DURATION_S ?? 90);

export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    testTimeout: (durationS + 240) * 1000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
