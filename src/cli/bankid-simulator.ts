// `idbridge bankid-simulator [--port 4100] [--certs DIR] [--host 127.0.0.1]` (API.md §1, §7):
// runs the BankID RP API v6 simulator alone and prints how to point an RP client at it.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBankIdSimulator } from '../providers/bankid-se/simulator/index.js';

export const DEFAULT_SIMULATOR_CERTS_DIR = '.idbridge/bankid-simulator';

/** The flags of `bankid-simulator`; main.ts's usage names each (test/docs/cli-usage.test.ts). */
export const SIMULATOR_OPTIONS = {
  port: { type: 'string', default: '4100' },
  host: { type: 'string', default: '127.0.0.1' },
  certs: { type: 'string', default: DEFAULT_SIMULATOR_CERTS_DIR },
} as const;

export async function runBankIdSimulator(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: SIMULATOR_OPTIONS, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port: ${values.port}`);
  const certsDir = resolve(values.certs ?? DEFAULT_SIMULATOR_CERTS_DIR);
  const sim = await startBankIdSimulator({ port, host: values.host, certsDir });
  process.stdout.write(
    [
      `BankID RP API v6 simulator: ${sim.rpUrl}`,
      `  simulated app page:       ${sim.url}/app`,
      `  server CA:                ${join(certsDir, 'ca.pem')}`,
      `  RP client certificate:    ${join(certsDir, 'client.p12')} (passphrase in client-passphrase.txt)`,
      '  BankID\'s public test certificate FP Testcert 5 (qwerty123) is accepted as well.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    const stop = () => void sim.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
