// Public surface of the Swedish BankID provider for the broker's wiring (compose.ts, collector,
// pages, CLI).
export { createBankIdProvider, COLLECT_INTERVAL_MS, type BankIdProviderOptions } from './adapter.js';
export { createBankIdClient, type BankIdClient, type BankIdClientOptions } from './client.js';
export { BankIdApiError, BankIdNetworkError, isRetriable } from './errors.js';
export { failureCode, toSnakeCase } from './hint-codes.js';
export { identityFromCompletion, signatureFromCompletion } from './identity.js';
export { failureFor, progressFor, rfaText, type MessageContext } from './messages.js';
export { launchUrl } from './order-requests.js';
export { markSameDeviceStart, readState, type BankIdOrderState } from './order-state.js';
export { dateOfBirth, isValidPersonalNumber } from './personal-number.js';
export { bankIdPreset, BANKID_BASE_URLS, FP_TESTCERT_PASSPHRASE, type BankIdEnvironment, type PresetInput } from './presets.js';
export { parseQrData, qrData, qrDataAt, qrSecondsAt, qrSvg } from './qr.js';
export type * from './types.js';
export { bankIdFromConfig, type BankIdOverrides, type BankIdSettings, type BankIdWiring } from './from-config.js';
export { awaitingScan, orderView } from './order-view.js';
export { sameDeviceStart } from './same-device.js';
