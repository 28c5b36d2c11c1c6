// The page's "BankID on this device": marks the order as started on the same device, so that the
// completion must come from the browser's IP (BankID's session-fixation advice, reference §1.8),
// and switches the message to RFA13 "Trying to start your BankID app" (reference §1.9).
import type { Locale, Progress } from '../../core/types.js';
import type { ProviderState } from '../contract.js';
import { progressFor } from './messages.js';
import { awaitingScan } from './order-view.js';
import { markSameDeviceStart, readState } from './order-state.js';

/** The new state and progress, or null when there is nothing to mark (done, or already taken). */
export function sameDeviceStart(raw: ProviderState, locale: Locale): { state: ProviderState; progress: Progress } | null {
  const state = readState(raw);
  // Once an app took the order (scan), a same-device start would only be a second claimant.
  if (state.same_device || !awaitingScan(state)) return null;
  const progress = progressFor(state.last_hint ?? 'outstandingTransaction', locale, { autostart: true, operation: state.operation });
  return { state: markSameDeviceStart(raw), progress };
}
