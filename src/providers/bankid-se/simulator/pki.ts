// The simulator's test PKI: one CA issues the HTTPS server certificate, RP client certificates and
// the certificates of simulated people's signatures. Keys come from node:crypto (fast); node-forge
// builds the X.509 structures, which Node cannot.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const { pki } = forge;

export interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  certPem: string;
  keyPem: string;
}

export function newRsaKey(): { key: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { key, publicKey: pki.setRsaPublicKey(key.n, key.e), keyPem };
}

type Attr = { name?: string; shortName?: string; type?: string; value: string; valueTagClass?: number };

const utf8 = (type: string, value: string): Attr => ({ type, value, valueTagClass: forge.asn1.Type.UTF8 as number });

export function subject(cn: string, extra: Attr[] = []): Attr[] {
  return [{ shortName: 'C', value: 'SE' }, { shortName: 'O', value: 'IDBridge BankID simulator' }, utf8('2.5.4.3', cn), ...extra];
}

export { utf8 as utf8Attr };

interface IssueOptions {
  subject: Attr[];
  issuer?: Issued;
  days: number;
  extensions: object[];
  key?: ReturnType<typeof newRsaKey>;
}

/** Issues (or self-signs, without `issuer`) a certificate, SHA-256 with RSA. */
export function issue(options: IssueOptions): Issued {
  const own = options.key ?? newRsaKey();
  const cert = pki.createCertificate();
  cert.publicKey = own.publicKey;
  // Positive serial: a leading 0x01 byte keeps the DER INTEGER unsigned.
  cert.serialNumber = `01${randomBytes(9).toString('hex')}`;
  // Certificates are checked against real time by TLS, whatever the simulator's order clock says.
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + options.days * 24 * 3600_000);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  cert.setExtensions([
    { name: 'subjectKeyIdentifier' },
    ...(options.issuer ? [{ name: 'authorityKeyIdentifier', keyIdentifier: options.issuer.cert.generateSubjectKeyIdentifier().getBytes() }] : []),
    ...options.extensions,
  ]);
  cert.sign(options.issuer ? options.issuer.key : own.key, forge.md.sha256.create());
  return { cert, key: own.key, certPem: pki.certificateToPem(cert), keyPem: own.keyPem };
}

export function issueCa(): Issued {
  return issue({
    subject: subject('IDBridge BankID Simulator Test CA'),
    days: 3650,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
}

export function issueServer(ca: Issued, hosts: string[]): Issued {
  const altNames = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  return issue({
    subject: subject(hosts[0] ?? 'localhost'),
    issuer: ca,
    days: 825,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
}

export function issueClient(ca: Issued, cn: string): Issued {
  return issue({
    subject: subject(cn),
    issuer: ca,
    days: 1825,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
}

/** PKCS#12 with the key, the certificate and its CA; AES-256 so OpenSSL 3 reads it as is. */
export function toPkcs12(issued: Issued, ca: Issued, passphrase: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(issued.key, [issued.cert, ca.cert], passphrase, {
    algorithm: 'aes256',
    friendlyName: 'idbridge-bankid-simulator-rp',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

export function certDerBase64(cert: forge.pki.Certificate): string {
  return forge.util.encode64(forge.asn1.toDer(pki.certificateToAsn1(cert)).getBytes());
}
