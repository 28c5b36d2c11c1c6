// One collect answer (reference §1.4) as a contract Outcome.
import type { Locale } from '../../core/types.js';
import type { Outcome } from '../contract.js';
import { identityFromCompletion, signatureFromCompletion } from './identity.js';
import { failureFor, progressFor } from './messages.js';
import type { BankIdOrderState } from './order-state.js';
import type { CollectResponse } from './types.js';

export interface CollectOutcomeOptions {
  now: Date;
  checkIp: boolean;
}

export function collectOutcome(
  response: CollectResponse,
  state: BankIdOrderState,
  locale: Locale,
  options: CollectOutcomeOptions,
): Outcome {
  const messageCtx = { autostart: state.same_device, operation: state.operation };
  if (response.status === 'pending') {
    return {
      kind: 'pending',
      state: { ...state, last_hint: response.hintCode } as unknown as Record<string, unknown>,
      progress: progressFor(response.hintCode, locale, messageCtx),
    };
  }
  if (response.status === 'failed') {
    return { kind: 'failed', ...failureFor(response.hintCode, locale, messageCtx) };
  }
  const data = response.completionData;
  const deviceIp = data.device?.ipAddress ?? null;
  // BankID's advice against session fixation: a same-device order must complete from the IP of the
  // browser that started it (developers.bankid.com, "Secure start" / reference §1.8).
  if (options.checkIp && state.same_device && deviceIp && !sameIp(deviceIp, state.start_ip)) {
    return { kind: 'failed', ...failureFor('ip_mismatch', locale, messageCtx) };
  }
  return {
    kind: 'complete',
    identity: identityFromCompletion(data, options.now),
    signature: state.operation === 'sign' ? signatureFromCompletion(data, state.signed_text ?? '') : null,
    device: deviceIp ? { ip_address: deviceIp } : null,
  };
}

export function sameIp(a: string, b: string): boolean {
  const norm = (ip: string) => ip.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return norm(a) === norm(b);
}
