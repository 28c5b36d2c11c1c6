// Keeps the simulator's CA and RP client certificate in a directory, so that a restarted simulator
// is still trusted by a broker configured with `DIR/ca.pem` and `DIR/client.p12`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import forge from 'node-forge';
import { issueCa, issueClient, toPkcs12, type Issued } from './pki.js';

export interface SimulatorCredentials {
  ca: Issued;
  clientPfx: Buffer;
  clientPassphrase: string;
}

export const CLIENT_CN = 'IDBridge simulator RP';

function fresh(): SimulatorCredentials {
  const ca = issueCa();
  const clientPassphrase = randomBytes(12).toString('base64url');
  const clientPfx = toPkcs12(issueClient(ca, CLIENT_CN), ca, clientPassphrase);
  return { ca, clientPfx, clientPassphrase };
}

function load(dir: string): SimulatorCredentials {
  const certPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const keyPem = readFileSync(join(dir, 'ca-key.pem'), 'utf8');
  const ca: Issued = {
    cert: forge.pki.certificateFromPem(certPem),
    key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    certPem,
    keyPem,
  };
  return {
    ca,
    clientPfx: readFileSync(join(dir, 'client.p12')),
    clientPassphrase: readFileSync(join(dir, 'client-passphrase.txt'), 'utf8').trim(),
  };
}

/** Loads the credentials from `dir`, creating and saving them on first use. */
export function loadOrCreateCredentials(dir?: string): SimulatorCredentials {
  if (!dir) return fresh();
  const files = ['ca.pem', 'ca-key.pem', 'client.p12', 'client-passphrase.txt'];
  if (files.every((name) => existsSync(join(dir, name)))) return load(dir);
  const credentials = fresh();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.pem'), credentials.ca.certPem);
  writeFileSync(join(dir, 'ca-key.pem'), credentials.ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'client.p12'), credentials.clientPfx, { mode: 0o600 });
  writeFileSync(join(dir, 'client-passphrase.txt'), `${credentials.clientPassphrase}\n`, { mode: 0o600 });
  return credentials;
}
