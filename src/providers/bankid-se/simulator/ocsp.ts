// A DER OCSP response (RFC 6960 §4.2.1) stating "good" for a person's signing certificate, signed
// by the simulator CA as its own responder, as BankID returns in completionData.ocspResponse.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import forge from 'node-forge';
import type { Issued } from './pki.js';

const { asn1, pki } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const seq = (value: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, value);
const oid = (id: string) => asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());
const nul = () => asn1.create(U, T.NULL, false, '');
const octets = (bytes: string) => asn1.create(U, T.OCTETSTRING, false, bytes);
const time = (date: Date) => asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
const explicit = (tag: number, value: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [value]);
const der = (value: forge.asn1.Asn1) => asn1.toDer(value).getBytes();
const sha1 = (bytes: string) => createHash('sha1').update(Buffer.from(bytes, 'binary')).digest().toString('binary');

const OID_SHA1 = '1.3.14.3.2.26';
const OID_SHA256_RSA = '1.2.840.113549.1.1.11';
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** CertID (RFC 6960 §4.1.1): SHA-1 of the issuer's name and of its public key bits. */
function certId(cert: forge.pki.Certificate, ca: Issued) {
  const issuerName = der(pki.distinguishedNameToAsn1(ca.cert.subject));
  const issuerKey = der(pki.publicKeyToRSAPublicKey(ca.cert.publicKey as forge.pki.rsa.PublicKey));
  return seq([
    seq([oid(OID_SHA1), nul()]),
    octets(sha1(issuerName)),
    octets(sha1(issuerKey)),
    asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(cert.serialNumber)),
  ]);
}

export function ocspGoodResponse(cert: forge.pki.Certificate, ca: Issued, now: Date): Buffer {
  const single = seq([
    certId(cert, ca),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ''), // certStatus good: [0] IMPLICIT NULL
    time(now),
  ]);
  const tbs = seq([explicit(1, pki.distinguishedNameToAsn1(ca.cert.subject)), time(now), seq([single])]);
  const signature = sign('sha256', Buffer.from(der(tbs), 'binary'), createPrivateKey(ca.keyPem));
  const basic = seq([
    tbs,
    seq([oid(OID_SHA256_RSA), nul()]),
    asn1.create(U, T.BITSTRING, false, `\x00${signature.toString('binary')}`),
    explicit(0, seq([pki.certificateToAsn1(ca.cert)])),
  ]);
  const response = seq([
    asn1.create(U, T.ENUMERATED, false, '\x00'), // successful
    explicit(0, seq([oid(OID_OCSP_BASIC), octets(der(basic))])),
  ]);
  return Buffer.from(der(response), 'binary');
}
