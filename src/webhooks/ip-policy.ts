// Which addresses a webhook may connect to (API.md §5 SSRF rule; Standard Webhooks 1.0 "Server
// side request forgery"). Allowlist: only ipaddr.js's `unicast` range is public; every special
// range is refused by name. Addresses that embed an IPv4 address (mapped, translated, NAT64,
// 6to4) are judged by the embedded address, since that is where the packets end up.
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Ranges a developer may reach with `allow_private_webhooks` (a receiver on their own machine). */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'linkLocal', 'carrierGradeNat', 'uniqueLocal']);

// Cloud metadata services stay refused even for private-allowed customers: no developer needs them.
const METADATA = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'].map((a) => ipaddr.parse(a).toString());

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

function embeddedIPv4(addr: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const bytes = addr.toByteArray();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6)); // RFC 3056: 2002:AABB:CCDD::/48
  return null;
}

// ::/96 other than :: and ::1 is the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1).
function isIPv4Compatible(addr: ipaddr.IPv6): boolean {
  return addr.match(ipaddr.IPv6.parse('::'), 96);
}

function judge(addr: Addr, allowPrivate: boolean): AddressVerdict {
  const text = addr.toString();
  if (METADATA.includes(text)) return { ok: false, reason: `${text} is a cloud metadata address` };
  const range = addr.range();
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    const inner = embeddedIPv4(v6, range);
    if (inner) {
      const verdict = judge(inner, allowPrivate);
      return verdict.ok ? verdict : { ok: false, reason: `${text} embeds ${inner}: ${verdict.reason}` };
    }
    if (range === 'unicast' && isIPv4Compatible(v6)) {
      return { ok: false, reason: `${text} is an IPv4-compatible IPv6 address` };
    }
  }
  if (range === 'unicast') return { ok: true };
  if (allowPrivate && PRIVATE_RANGES.has(range)) return { ok: true };
  return { ok: false, reason: `${text} is in the ${range} range` };
}

/** Judges one IP address in text form; anything unparsable is refused. */
export function checkAddress(address: string, allowPrivate: boolean): AddressVerdict {
  if (!ipaddr.isValid(address)) return { ok: false, reason: `${address} is not an IP address` };
  return judge(ipaddr.parse(address), allowPrivate);
}
