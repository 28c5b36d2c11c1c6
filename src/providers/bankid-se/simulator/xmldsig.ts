// The completion signature (reference §1.4): an XML-DSig whose <Object> holds bankIdSignedData,
// with two references (the signed data and the KeyInfo), RSA-SHA256, inclusive C14N. The simulator
// writes every signed element already in its canonical form (explicit namespace, sorted
// attributes, no self-closing tags), so the digests are over exactly the bytes in the document.
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { certDerBase64, type Issued } from './pki.js';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const BANKID_NS = 'http://www.bankid.com/signature/v1.0.0/types';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

export interface SignedDataInput {
  funcId: 'Identification' | 'Signing';
  userVisibleData?: string;
  userNonVisibleData?: string;
  userVisibleDataFormat?: string;
  rpName: string;
  uhi: string;
  certificatePolicy: string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');
const el = (name: string, body: string, attrs = '') => `<${name}${attrs}>${body}</${name}>`;

export function bankIdSignedData(input: SignedDataInput): string {
  const format = input.userVisibleDataFormat ? ` format="${input.userVisibleDataFormat}"` : '';
  const visible = input.userVisibleData
    ? el('usrVisibleData', input.userVisibleData, ` charset="UTF-8"${format} visible="wysiwys"`)
    : '';
  const hidden = input.userNonVisibleData ? el('usrNonVisibleData', input.userNonVisibleData) : '';
  const srvInfo = el('srvInfo', el('name', b64(`cn=${input.rpName}`)) + el('nonce', randomBytes(20).toString('base64')) + el('displayName', b64(input.rpName)));
  const condition = el('condition', el('type', 'CertificatePolicies') + el('value', input.certificatePolicy));
  const ai = el('ai', el('type', b64('ANDROID')) + el('deviceInfo', b64('14')) + el('uhi', input.uhi) + el('fsib', '0') + el('utb', 'cs1') + el('requirement', condition) + el('uauth', 'pw'));
  const clientInfo = el('clientInfo', el('funcId', input.funcId) + el('version', b64('Personal=8.0.0&BankID_exe=8.0.0&platform=android&os_version=14&uhi=simulated')) + el('env', ai));
  return el('bankIdSignedData', visible + hidden + srvInfo + clientInfo, ` xmlns="${BANKID_NS}" Id="bidSignedData"`);
}

function reference(uri: string, digestValue: string, type?: string): string {
  const attrs = `${type ? ` Type="${type}"` : ''} URI="${uri}"`;
  const transforms = el('Transforms', el('Transform', '', ` Algorithm="${C14N}"`));
  const method = el('DigestMethod', '', ' Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
  return el('Reference', transforms + method + el('DigestValue', digestValue), attrs);
}

/** Base64 of the whole signature document, as BankID's completionData.signature. */
export function signCompletion(signedData: string, signer: Issued, ca: Issued): string {
  const certs = el('X509Certificate', certDerBase64(signer.cert)) + el('X509Certificate', certDerBase64(ca.cert));
  const keyInfo = el('KeyInfo', el('X509Data', certs), ` xmlns="${DSIG_NS}" Id="bidKeyInfo"`);
  const signedInfo = el(
    'SignedInfo',
    el('CanonicalizationMethod', '', ` Algorithm="${C14N}"`) +
      el('SignatureMethod', '', ' Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"') +
      reference('#bidSignedData', digest(signedData), BANKID_NS) +
      reference('#bidKeyInfo', digest(keyInfo)),
    ` xmlns="${DSIG_NS}"`,
  );
  const value = sign('sha256', Buffer.from(signedInfo, 'utf8'), createPrivateKey(signer.keyPem)).toString('base64');
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>' +
    el('Signature', signedInfo + el('SignatureValue', value) + keyInfo + el('Object', signedData), ` xmlns="${DSIG_NS}"`);
  return Buffer.from(xml, 'utf8').toString('base64');
}
