// Fault injection: the next N RP requests answer with one of BankID's transient or fatal errors
// (reference §1.5), so that clients' back-off and error paths can be tested.
export type FaultStatus = 408 | 429 | 500 | 503;

export interface Fault {
  status: FaultStatus;
  /** How many of the next RP requests fail (default 1). */
  count?: number;
  /** Only requests to this endpoint (e.g. `collect`); any endpoint when absent. */
  endpoint?: string;
}

interface FaultAnswer {
  status: number;
  body: { errorCode: string; details: string };
  headers: Record<string, string>;
}

const ANSWERS: Record<FaultStatus, Omit<FaultAnswer, 'headers'>> = {
  408: { status: 408, body: { errorCode: 'requestTimeout', details: 'Request timeout' } },
  429: { status: 429, body: { errorCode: 'tooManyRequests', details: 'Too many requests' } },
  500: { status: 500, body: { errorCode: 'internalError', details: 'Internal error' } },
  503: { status: 503, body: { errorCode: 'maintenance', details: 'Maintenance' } },
};

export class FaultQueue {
  private readonly queue: Array<Required<Omit<Fault, 'endpoint'>> & { endpoint?: string }> = [];

  inject(fault: Fault): void {
    this.queue.push({ status: fault.status, count: fault.count ?? 1, endpoint: fault.endpoint });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The answer for this request, if a fault is due; consumes one count. */
  take(endpoint: string): FaultAnswer | null {
    const fault = this.queue.find((f) => !f.endpoint || f.endpoint === endpoint);
    if (!fault) return null;
    fault.count -= 1;
    if (fault.count <= 0) this.queue.splice(this.queue.indexOf(fault), 1);
    const headers: Record<string, string> =
      fault.status === 429 ? { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1' } : {};
    return { ...ANSWERS[fault.status], headers };
  }
}
