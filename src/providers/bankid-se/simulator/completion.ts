// completionData of a finished order (reference §1.4): the person, their device, a real XML-DSig
// made with a certificate the simulator CA issued for the person, and a real OCSP response.
import type { Clock } from '../../../core/ids.js';
import type { CompletionData } from '../types.js';
import { ocspGoodResponse } from './ocsp.js';
import type { SimOrder } from './order.js';
import { deviceUhi, issueDate, testPerson } from './people.js';
import { issue, newRsaKey, subject, utf8Attr, type Issued } from './pki.js';
import { bankIdSignedData, signCompletion } from './xmldsig.js';

/** Test certificate policy of Mobile BankID (reference §1.3). */
const TEST_POLICY = '1.2.3.4.25';

export class CompletionFactory {
  // One key for every simulated person: each still gets a certificate naming them.
  private readonly signerKey = newRsaKey();

  constructor(private readonly ca: Issued, private readonly clock: Clock) {}

  private personCertificate(personalNumber: string): Issued {
    const person = testPerson(personalNumber);
    return issue({
      subject: subject(person.name, [
        utf8Attr('2.5.4.42', person.givenName),
        utf8Attr('2.5.4.4', person.surname),
        { type: '2.5.4.5', value: personalNumber },
      ]),
      issuer: this.ca,
      days: 730,
      key: this.signerKey,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      ],
    });
  }

  build(order: SimOrder, deviceIp: string): CompletionData {
    const personalNumber = order.person ?? '';
    const now = this.clock.now();
    const uhi = deviceUhi(personalNumber);
    const signer = this.personCertificate(personalNumber);
    const signedData = bankIdSignedData({
      funcId: order.kind === 'sign' ? 'Signing' : 'Identification',
      userVisibleData: order.userVisibleData,
      userNonVisibleData: order.userNonVisibleData,
      userVisibleDataFormat: order.userVisibleDataFormat,
      rpName: order.rpName,
      uhi,
      certificatePolicy: TEST_POLICY,
    });
    return {
      user: testPerson(personalNumber),
      device: { ipAddress: deviceIp, uhi },
      bankIdIssueDate: issueDate(personalNumber, now),
      ...(order.requirement.mrtd ? { stepUp: { mrtd: true } } : {}),
      signature: signCompletion(signedData, signer, this.ca),
      ocspResponse: ocspGoodResponse(signer.cert, this.ca, now).toString('base64'),
      ...(order.returnRisk ? { risk: 'low' } : {}),
    };
  }
}
