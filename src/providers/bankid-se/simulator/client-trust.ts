// Who may call the RP API: a client certificate that chains to the simulator CA (checked by TLS),
// or BankID's public test certificate FP Testcert 5. Its issuer, "Testbank A RP CA v1 for BankID
// Test", is not published as a file, so FP Testcert 5 itself is pinned by its SHA-256 fingerprint.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { fpTestcertPem } from '../presets.js';

const pinned = new Set([new X509Certificate(fpTestcertPem()).fingerprint256]);

// A connection's client certificate does not change (TLS 1.3 has no renegotiation), and
// getPeerCertificate() is costly: judge each keep-alive connection once.
const judged = new WeakMap<TLSSocket, string | null>();

/** The CN of a trusted client certificate, or null when the caller is not trusted. */
export function trustedClientCn(req: IncomingMessage): string | null {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const known = judged.get(socket);
  if (known !== undefined) return known;
  const cn = judge(socket);
  judged.set(socket, cn);
  return cn;
}

function judge(socket: TLSSocket): string | null {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) return null;
  if (!socket.authorized && !pinned.has(cert.fingerprint256)) return null;
  const cn = cert.subject?.CN as string | string[] | undefined;
  return (Array.isArray(cn) ? cn[0] : cn) ?? '';
}
