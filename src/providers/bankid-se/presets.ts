// Environments of BankID RP API v6 (reference §1.1): where to call, whose server CA to pin, and
// which client certificate to present. `IDBRIDGE_BANKID_ENV` picks one (API.md §1).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BankIdClientOptions } from './client.js';

export type BankIdEnvironment = 'simulated' | 'test' | 'production';

const certsDir = fileURLToPath(new URL('./certs/', import.meta.url));
const certFile = (name: string) => readFileSync(`${certsDir}${name}`);

export const BANKID_BASE_URLS = {
  test: 'https://appapi2.test.bankid.com/rp/v6.0',
  production: 'https://appapi2.bankid.com/rp/v6.0',
} as const;

/** BankID's public test RP certificate "FP Testcert 5" (valid to 2029-05-28). */
export const FP_TESTCERT_PASSPHRASE = 'qwerty123';
export function fpTestcertPfx(): Buffer {
  return certFile('FPTestcert5_20240610.p12');
}
export function fpTestcertPem(): string {
  return certFile('fptestcert5.pem').toString('utf8');
}
/** "Test BankID SSL Root CA v1 Test", the root of appapi2.test.bankid.com. */
export function testServerCaPem(): string {
  return certFile('test-server-ca.pem').toString('utf8');
}
/** "BankID SSL Root CA v1", the root of appapi2.bankid.com (as bundled by npm `bankid`). */
export function productionServerCaPem(): string {
  return certFile('production-server-ca.pem').toString('utf8');
}

export interface PresetInput {
  /** simulated: the simulator's URL incl. `/rp/v6.0`. Overrides the preset's URL otherwise. */
  baseUrl?: string;
  /** PEM of the server CA; required for `simulated` (the simulator's `ca.pem`). */
  ca?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
}

/** Client options for an environment; production demands the operator's own certificate. */
export function bankIdPreset(env: BankIdEnvironment, input: PresetInput = {}): BankIdClientOptions {
  if (env === 'test') {
    return {
      baseUrl: input.baseUrl ?? BANKID_BASE_URLS.test,
      ca: input.ca ?? testServerCaPem(),
      pfx: input.pfx ?? fpTestcertPfx(),
      passphrase: input.passphrase ?? (input.pfx ? '' : FP_TESTCERT_PASSPHRASE),
    };
  }
  if (env === 'production') {
    if (!input.pfx) throw new Error('BankID production needs the RP client certificate (PKCS#12)');
    return {
      baseUrl: input.baseUrl ?? BANKID_BASE_URLS.production,
      ca: input.ca ?? productionServerCaPem(),
      pfx: input.pfx,
      passphrase: input.passphrase ?? '',
    };
  }
  if (!input.baseUrl || !input.ca) {
    throw new Error('BankID simulated environment needs the simulator URL and its ca.pem');
  }
  return {
    baseUrl: input.baseUrl,
    ca: input.ca,
    // The simulator trusts FP Testcert 5 as BankID's test service does, so it is a fine default.
    pfx: input.pfx ?? fpTestcertPfx(),
    passphrase: input.passphrase ?? (input.pfx ? '' : FP_TESTCERT_PASSPHRASE),
  };
}
