// Runs a child under test/contract/harness/loopback-only.mjs: its connections and lookups outside
// 127.0.0.0/8 fail at once and are reported on its stderr (MARKER shows the guard was loaded).
import { fileURLToPath, pathToFileURL } from 'node:url';

const GUARD = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));
export const GUARD_MARKER = '[loopback-only] active';
export const GUARD_REFUSED = '[loopback-only] refused';

/** Environment that preloads the guard into a Node child (added to any NODE_OPTIONS we run under). */
export function loopbackOnlyEnv(): Record<string, string> {
  const mine = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
  return { NODE_OPTIONS: `${mine}--import=${pathToFileURL(GUARD).href}` };
}
