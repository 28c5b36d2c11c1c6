// Checks a completion signature made by the simulator: both reference digests, the RSA-SHA256
// SignatureValue over SignedInfo, and that the signing certificate was issued by the given CA.
// It relies on the simulator writing signed elements in canonical form (see xmldsig.ts); it is a
// test helper, not a general XML-DSig verifier.
import { createHash, verify, X509Certificate } from 'node:crypto';

export interface SignatureCheck {
  valid: boolean;
  reason: string | null;
  /** From the signing certificate: serialNumber and CN, as in a BankID user certificate. */
  personalNumber: string | null;
  name: string | null;
  funcId: string | null;
  /** Decoded usrVisibleData (UTF-8), null when the order had none. */
  visibleText: string | null;
  nonVisibleData: string | null;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

function element(xml: string, name: string, id?: string): string | null {
  const open = id ? `<${name}[^>]*\\sId="${id}"[^>]*>` : `<${name}(?:\\s[^>]*)?>`;
  const match = new RegExp(`${open}[\\s\\S]*?</${name}>`).exec(xml);
  return match ? match[0] : null;
}

function text(xml: string | null, name: string): string | null {
  if (!xml) return null;
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match ? match[1] : null;
}

function referenceDigests(signedInfo: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const match of signedInfo.matchAll(/<Reference[^>]*URI="#([^"]+)"[^>]*>[\s\S]*?<DigestValue>([^<]*)<\/DigestValue>/g)) {
    refs.set(match[1], match[2]);
  }
  return refs;
}

function subjectField(cert: X509Certificate, field: string): string | null {
  const line = cert.subject.split('\n').find((l) => l.startsWith(`${field}=`));
  return line ? line.slice(field.length + 1) : null;
}

export function verifySimulatorSignature(xmlBase64: string, caPem: string): SignatureCheck {
  const xml = Buffer.from(xmlBase64, 'base64').toString('utf8');
  const signedInfo = element(xml, 'SignedInfo');
  const signedData = element(xml, 'bankIdSignedData', 'bidSignedData');
  const keyInfo = element(xml, 'KeyInfo', 'bidKeyInfo');
  const certB64 = text(keyInfo, 'X509Certificate');
  const result: SignatureCheck = {
    valid: false, reason: null, personalNumber: null, name: null,
    funcId: text(signedData, 'funcId'),
    visibleText: decode(text(signedData, 'usrVisibleData')),
    nonVisibleData: text(signedData, 'usrNonVisibleData'),
  };
  if (!signedInfo || !signedData || !keyInfo || !certB64) return { ...result, reason: 'missing element' };
  const refs = referenceDigests(signedInfo);
  if (refs.get('bidSignedData') !== digest(signedData)) return { ...result, reason: 'bankIdSignedData digest mismatch' };
  if (refs.get('bidKeyInfo') !== digest(keyInfo)) return { ...result, reason: 'KeyInfo digest mismatch' };
  const cert = new X509Certificate(Buffer.from(certB64, 'base64'));
  const ca = new X509Certificate(caPem);
  result.personalNumber = subjectField(cert, 'serialNumber');
  result.name = subjectField(cert, 'CN');
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { ...result, reason: 'certificate not issued by CA' };
  const value = text(xml, 'SignatureValue') ?? '';
  const ok = verify('sha256', Buffer.from(signedInfo, 'utf8'), cert.publicKey, Buffer.from(value, 'base64'));
  return ok ? { ...result, valid: true } : { ...result, reason: 'SignatureValue does not verify' };
}

function decode(b64: string | null): string | null {
  return b64 === null ? null : Buffer.from(b64, 'base64').toString('utf8');
}
