// The animated QR code of a pending BankID order at this second (reference §1.7), for the page and
// for headless callers (API.md §3 `GET /v1/sessions/{id}/qr`). 409 once the scan step is over.
import { ApiError } from '../core/errors.js';
import type { Session } from '../core/types.js';
import { qrSvg } from '../providers/bankid-se/index.js';
import type { SessionDriver } from '../sessions/driver.js';

export interface QrNow {
  qr_data: string;
  refresh_after_ms: number;
}

export function qrNow(driver: SessionDriver, s: Session, ip: string | null): QrNow {
  if (s.method !== 'se-bankid') throw new ApiError('qr_not_available', 'This method has no QR code.');
  const view = driver.view(s, ip);
  if (!view || view.awaiting_scan !== true || typeof view.qr_data !== 'string') {
    throw new ApiError('qr_not_available', 'The order is past the scan step (or has ended).');
  }
  return { qr_data: view.qr_data, refresh_after_ms: Number(view.refresh_after_ms ?? 1000) };
}

/** SVG of the code; sized by the page, so no fixed width. */
export function qrImage(qr: QrNow): Promise<string> {
  return qrSvg(qr.qr_data);
}
