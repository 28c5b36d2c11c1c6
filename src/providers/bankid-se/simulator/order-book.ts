// The simulator's orders: creation with BankID's one-order-per-person rule, collect, cancel, and
// the app's pickup. Time comes from the injected clock only.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/ids.js';
import { age, collectable, DEFAULT_TIMING, fail, type OrderTiming, type SimOrder } from './order.js';
import { noSuchOrder, SimError } from './sim-error.js';

/** What an RP request asks for; the rest of a SimOrder is the simulator's own state. */
export type NewOrder = Pick<
  SimOrder,
  'kind' | 'callInitiator' | 'endUserIp' | 'requirement' | 'userVisibleData' | 'userNonVisibleData' | 'userVisibleDataFormat' | 'returnRisk' | 'returnUrl' | 'rpName'
> & { personalNumber: string | null };

export type AppAction = 'approve' | 'cancel' | 'hold';

export class OrderBook {
  private readonly orders = new Map<string, SimOrder>();
  readonly timing: OrderTiming;

  constructor(private readonly clock: Clock, timing: Partial<OrderTiming> = {}) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Reference §1.6: a second order for a person gets alreadyInProgress and ends the first. */
  create(input: NewOrder): SimOrder {
    const now = this.now();
    if (input.personalNumber) {
      const busy = this.pending().filter((o) => o.requiredPersonalNumber === input.personalNumber || o.person === input.personalNumber);
      if (busy.length > 0) {
        for (const order of busy) fail(order, 'cancelled', now);
        throw new SimError(400, 'alreadyInProgress', 'Order already in progress for pno');
      }
    }
    const order: SimOrder = {
      ...input,
      orderRef: randomUUID(),
      autoStartToken: randomUUID(),
      qrStartToken: randomUUID(),
      qrStartSecret: randomUUID(),
      createdAt: now,
      requiredPersonalNumber: input.personalNumber,
      status: 'pending',
      hintCode: 'outstandingTransaction',
      pickedUpAt: null,
      person: null,
      finishedAt: null,
      completionData: null,
      finalCollected: false,
    };
    this.orders.set(order.orderRef, order);
    return order;
  }

  /** The order as collect sees it; a final answer is handed out once. */
  collect(orderRef: string): SimOrder {
    const order = this.live(orderRef);
    if (order.status !== 'pending') order.finalCollected = true;
    return order;
  }

  /** RP cancel: the order is gone afterwards; a finished or unknown one is invalidParameters. */
  cancel(orderRef: string): void {
    const order = this.live(orderRef);
    if (order.status !== 'pending') throw noSuchOrder();
    this.orders.delete(orderRef);
  }

  get(orderRef: string): SimOrder | undefined {
    const order = this.orders.get(orderRef);
    if (order) age(order, this.now(), this.timing);
    return order;
  }

  private live(orderRef: string): SimOrder {
    const order = this.get(orderRef);
    if (!order || !collectable(order, this.now(), this.timing)) throw noSuchOrder();
    return order;
  }

  pending(): SimOrder[] {
    const now = this.now();
    const result: SimOrder[] = [];
    for (const order of this.orders.values()) {
      age(order, now, this.timing);
      if (order.status === 'pending') result.push(order);
      else if (!collectable(order, now, this.timing)) this.orders.delete(order.orderRef);
    }
    return result;
  }

  findBy(predicate: (order: SimOrder) => boolean): SimOrder | undefined {
    return this.pending().find(predicate);
  }

  /**
   * The app takes the order for `personalNumber`. A personal-number requirement refuses anyone
   * else; the person's other picked-up orders end `cancelled` (reference §1.6).
   */
  pickUp(order: SimOrder, personalNumber: string): void {
    if (order.status !== 'pending') throw new SimError(409, 'order_not_pending', 'The order is no longer pending');
    if (order.requiredPersonalNumber && order.requiredPersonalNumber !== personalNumber) {
      throw new SimError(403, 'personal_number_mismatch', 'The order requires another personal number');
    }
    if (order.person && order.person !== personalNumber) {
      throw new SimError(409, 'order_taken', 'Another person already opened this order');
    }
    const now = this.now();
    for (const other of this.pending()) {
      if (other !== order && other.person === personalNumber) fail(other, 'cancelled', now);
    }
    order.person = personalNumber;
    order.pickedUpAt ??= now;
    order.hintCode = 'started';
  }

  finish(order: SimOrder, action: AppAction, complete: (order: SimOrder) => void): void {
    const now = this.now();
    if (action === 'cancel') return fail(order, 'userCancel', now);
    if (action === 'hold') {
      // The person is at the PIN step (API.md §7); a phone order first confirms the call.
      order.hintCode = 'userSign';
      return;
    }
    complete(order);
    order.status = 'complete';
    order.finishedAt = now;
  }
}
