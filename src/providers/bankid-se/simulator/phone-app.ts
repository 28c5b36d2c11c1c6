// The simulated BankID app (API.md §7): what a phone does after scanning an animated QR code or
// being autostarted, and the test page's approve/cancel. No client certificate is needed here.
import type { Clock } from '../../../core/ids.js';
import { isValidPersonalNumber } from '../personal-number.js';
import { parseQrData, qrAuthCodeMatches } from '../qr.js';
import type { CompletionFactory } from './completion.js';
import type { AppAction, OrderBook } from './order-book.js';
import type { SimOrder } from './order.js';
import { SimError } from './sim-error.js';

export interface AppRequest {
  personalNumber: string;
  action: AppAction;
  /** The address the app reports in completionData.device.ipAddress. */
  ipAddress: string;
}

/** How far a scanned code may be ahead of / behind the order's age (API.md §7). */
const MAX_AHEAD_S = 1;
const MAX_BEHIND_S = 5;

export class PhoneApp {
  constructor(
    private readonly book: OrderBook,
    private readonly completions: CompletionFactory,
    private readonly clock: Clock,
  ) {}

  scan(qrData: string, request: AppRequest): SimOrder {
    const parsed = parseQrData(qrData);
    if (!parsed) throw new SimError(400, 'invalid_qr', 'Not a BankID QR code');
    const order = this.book.findBy((o) => o.qrStartToken === parsed.qrStartToken && !o.callInitiator);
    if (!order) throw new SimError(404, 'order_not_found', 'No pending order for this QR code');
    if (!qrAuthCodeMatches(parsed, order.qrStartSecret)) {
      throw new SimError(400, 'invalid_qr', 'The QR code is not valid');
    }
    const ageS = (this.clock.now().getTime() - order.createdAt) / 1000;
    if (parsed.seconds > ageS + MAX_AHEAD_S) throw new SimError(400, 'qr_from_future', 'The QR code is not valid yet');
    if (parsed.seconds < ageS - MAX_BEHIND_S) {
      // What the real app shows for a stale code (reference §1.7).
      throw new SimError(400, 'qr_too_old', 'QR-koden är ogiltig eftersom den är för gammal');
    }
    return this.act(order, request);
  }

  autostart(autoStartToken: string, request: AppRequest): SimOrder {
    const order = this.book.findBy((o) => o.autoStartToken === autoStartToken && !o.callInitiator);
    if (!order) throw new SimError(404, 'order_not_found', 'No pending order for this autostart token');
    return this.act(order, request);
  }

  /** The test page (and phone orders, which have no QR): act on an order by its reference. */
  actOn(orderRef: string, request: AppRequest): SimOrder {
    const order = this.book.get(orderRef);
    if (!order || order.status !== 'pending') throw new SimError(404, 'order_not_found', 'No such pending order');
    return this.act(order, request);
  }

  private act(order: SimOrder, request: AppRequest): SimOrder {
    if (!isValidPersonalNumber(request.personalNumber)) {
      throw new SimError(400, 'invalid_personal_number', 'Not a valid test personal number');
    }
    if (!['approve', 'cancel', 'hold'].includes(request.action)) {
      throw new SimError(400, 'invalid_action', 'action must be approve, cancel or hold');
    }
    this.book.pickUp(order, request.personalNumber);
    this.book.finish(order, request.action, (o) => {
      o.completionData = this.completions.build(o, request.ipAddress);
    });
    return order;
  }

  pending(): SimOrder[] {
    return this.book.pending();
  }
}
