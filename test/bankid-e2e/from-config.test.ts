// IDBRIDGE_BANKID_* -> the se-bankid provider (docs/bankid.md): what each environment needs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { bankIdFromConfig } from '../../src/providers/bankid-se/from-config.js';

const config = (env: Record<string, string>) => loadConfig({ IDBRIDGE_SECRET_KEY: 'a'.repeat(64), ...env });

describe('bankIdFromConfig', () => {
  it('reads the BankID keys with the IP check on by default', () => {
    const c = config({ IDBRIDGE_BANKID_URL: 'https://127.0.0.1:4100/rp/v6.0', IDBRIDGE_BANKID_CA: '/x/ca.pem', IDBRIDGE_BANKID_PFX: '/x/c.p12', IDBRIDGE_BANKID_PASSPHRASE: 'p' });
    expect(c).toMatchObject({ bankidEnv: 'simulated', bankidUrl: 'https://127.0.0.1:4100/rp/v6.0', bankidCa: '/x/ca.pem', bankidPfx: '/x/c.p12', bankidPassphrase: 'p', bankidSameDeviceIpCheck: true });
    expect(config({ IDBRIDGE_BANKID_SAME_DEVICE_IP_CHECK: 'no' }).bankidSameDeviceIpCheck).toBe(false);
    expect(() => config({ IDBRIDGE_BANKID_URL: 'http://plain.example/rp/v6.0' })).toThrow(/IDBRIDGE_BANKID_URL/);
  });

  it('offers no se-bankid for simulated without a simulator URL and CA', () => {
    expect(bankIdFromConfig(config({}))).toBeNull();
    expect(bankIdFromConfig(config({ IDBRIDGE_BANKID_URL: 'https://127.0.0.1:4100/rp/v6.0' }))).toBeNull();
  });

  it('builds test from the shipped certificate and CA, without network', async () => {
    const wiring = bankIdFromConfig(config({ IDBRIDGE_BANKID_ENV: 'test' }));
    expect(wiring?.provider).toMatchObject({ method: 'se-bankid', operations: ['authenticate', 'sign'], flows: ['browser', 'headless'] });
    await wiring?.close();
  });

  it('demands the client certificate for production and names unreadable files', () => {
    expect(() => bankIdFromConfig(config({ IDBRIDGE_BANKID_ENV: 'production' }))).toThrow(ConfigError);
    expect(() => bankIdFromConfig(config({ IDBRIDGE_BANKID_ENV: 'production', IDBRIDGE_BANKID_PFX: '/nonexistent/rp.p12' }))).toThrow(/IDBRIDGE_BANKID_PFX: cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'idbridge-cfg-'));
    expect(() => bankIdFromConfig(config({ IDBRIDGE_BANKID_URL: 'https://127.0.0.1:1/rp/v6.0', IDBRIDGE_BANKID_CA: join(dir, 'nope.pem') }))).toThrow(/IDBRIDGE_BANKID_CA: cannot read/);
  });
});
