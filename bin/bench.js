#!/usr/bin/env node
// `npm run bench`: runs the benchmark suite (bench/run.ts) through tsx, like bin/idbridge.js.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/run.ts');
const code = await main(process.argv.slice(2));
// Hosts are child processes that were stopped; leftover sockets must not keep the runner alive.
process.exit(code);
