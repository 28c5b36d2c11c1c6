// Preloaded into a child process (`NODE_OPTIONS=--import=<this file>`, see loopback-guard.ts): every
// TCP connection and every name lookup the process makes must stay on 127.0.0.0/8, ::1 or
// `localhost`. Anything else fails at once, before a DNS query or a packet leaves, and is written
// to stderr. A test whose 127.0.0.1 override were ignored (e.g. IDBRIDGE_BANKID_URL under
// IDBRIDGE_BANKID_ENV=test) therefore fails fast and visibly instead of reaching a real service.
import dns from 'node:dns';
import net from 'node:net';

export const MARKER = '[loopback-only] active';
export const REFUSED = '[loopback-only] refused';

/** True for names and addresses that cannot leave the machine. */
export function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default: localhost
  const h = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function refused(what) {
  process.stderr.write(`${REFUSED} ${what}\n`);
  const err = new Error(`loopback-only: ${what} is outside 127.0.0.0/8`);
  err.code = 'ECONNREFUSED';
  return err;
}

/** Where a Socket#connect call goes: its host, or null for a local pipe (path). */
function destination(args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect passes its normalized [options, cb]
  if (first !== null && typeof first === 'object') return first.path ? null : { host: first.host, port: first.port };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // a pipe path
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

if (!globalThis.__idbridgeLoopbackOnly) {
  globalThis.__idbridgeLoopbackOnly = true;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const to = destination(args);
    if (to && !isLoopback(to.host)) {
      const err = refused(`connection to ${to.host}:${to.port}`);
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return connect.apply(this, args);
  };
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, ...rest) {
    if (isLoopback(hostname)) return lookup.call(this, hostname, ...rest);
    const cb = rest[rest.length - 1];
    const err = refused(`lookup of ${hostname}`);
    err.code = 'ENOTFOUND';
    process.nextTick(() => cb(err));
  };
  const lookupP = dns.promises.lookup;
  dns.promises.lookup = async function guardedLookupP(hostname, ...rest) {
    if (isLoopback(hostname)) return lookupP.call(this, hostname, ...rest);
    const err = refused(`lookup of ${hostname}`);
    err.code = 'ENOTFOUND';
    throw err;
  };
  process.stderr.write(`${MARKER}\n`);
}
