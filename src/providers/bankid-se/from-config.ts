import type { Clock } from '../../core/ids.js';
// Builds the se-bankid provider from the broker's settings (IDBRIDGE_BANKID_*, docs/bankid.md):
// the environment's preset, with the operator's URL, client certificate and server CA on top.
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../../config/load.js';
import type { Provider } from '../contract.js';
import { createBankIdProvider } from './adapter.js';
import { createBankIdClient } from './client.js';
import { bankIdPreset } from './presets.js';

export type BankIdSettings = Pick<Config, 'bankidEnv' | 'bankidUrl' | 'bankidPfx' | 'bankidPassphrase' | 'bankidCa' | 'bankidSameDeviceIpCheck'>;

/** What `idbridge dev` hands over for its in-process simulator instead of file paths. */
export interface BankIdOverrides {
  baseUrl?: string;
  ca?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
  /** The broker's clock (the database's on PostgreSQL): the order's start time and the QR code's time count by it. */
  clock?: Clock;
}

export interface BankIdWiring {
  provider: Provider;
  close(): Promise<void>;
}

function readSetting(key: string, path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * The provider, or null when `simulated` has no simulator to talk to (then se-bankid is simply
 * not offered). `production` without a client certificate is a configuration error.
 */
export function bankIdFromConfig(settings: BankIdSettings, overrides: BankIdOverrides = {}): BankIdWiring | null {
  const env = settings.bankidEnv;
  const baseUrl = overrides.baseUrl ?? settings.bankidUrl;
  const ca = overrides.ca ?? readSetting('IDBRIDGE_BANKID_CA', settings.bankidCa);
  if (env === 'simulated' && (!baseUrl || !ca)) return null;
  const pfx = overrides.pfx ?? readSetting('IDBRIDGE_BANKID_PFX', settings.bankidPfx);
  if (env === 'production' && !pfx) throw new ConfigError('IDBRIDGE_BANKID_PFX: BankID production needs the RP client certificate (PKCS#12)');
  const client = createBankIdClient(bankIdPreset(env, { baseUrl, ca, pfx, passphrase: overrides.passphrase ?? settings.bankidPassphrase }));
  const provider = createBankIdProvider({
    client,
    checkIpOnSameDevice: settings.bankidSameDeviceIpCheck,
    // The simulator serves its phone app beside the RP API (API.md §7).
    appUrl: env === 'simulated' && baseUrl ? `${new URL(baseUrl).origin}/app` : null,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  return { provider, close: () => client.close() };
}
