// `idbridge dev`'s BankID: the simulator in-process on --bankid-port, and the se-bankid provider
// wired to it over mutual TLS with the simulator's own client certificate (API.md §1).
import type { Provider } from '../contract.js';
import { bankIdFromConfig, type BankIdSettings } from './from-config.js';
import { startBankIdSimulator } from './simulator/index.js';

export interface DevBankId {
  /** Null when IDBRIDGE_BANKID_ENV is test or production: compose builds that from config. */
  provider: Provider | null;
  rpUrl: string;
  appUrl: string;
  close(): Promise<void>;
}

export async function startDevBankId(settings: BankIdSettings, port: number, certsDir: string): Promise<DevBankId> {
  const sim = await startBankIdSimulator({ port, host: '127.0.0.1', certsDir });
  const wiring = settings.bankidEnv === 'simulated' && !settings.bankidUrl
    ? bankIdFromConfig(settings, { baseUrl: sim.rpUrl, ca: sim.caPem, pfx: sim.clientPfx, passphrase: sim.clientPassphrase })
    : null;
  return {
    provider: wiring?.provider ?? null,
    rpUrl: sim.rpUrl,
    appUrl: `${sim.url}/app`,
    async close() {
      await wiring?.close();
      await sim.close();
    },
  };
}
