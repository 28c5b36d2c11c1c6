// Prometheus metrics (GET /metrics). Labels never carry personal data or session ids.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Session } from '../core/types.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly created = new Counter({ name: 'idbridge_sessions_created_total', help: 'Sessions created', labelNames: ['method'], registers: [this.registry] });
  private readonly transitions = new Counter({ name: 'idbridge_session_transitions_total', help: 'Session status changes', labelNames: ['method', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'idbridge_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [this.registry],
  });
  private waitCount: () => number = () => 0;
  // prom-client hashes the label object on every observe (sorting its keys); the children of the
  // few (route, method, status) triples are kept instead.
  private readonly httpChildren = new Map<string, { observe(v: number): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const self = this;
    new Gauge({ name: 'idbridge_open_waits', help: 'Open long-polls and event streams on this node', registers: [this.registry], collect() { this.set(self.waitCount()); } });
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels({ route, method, status: String(status) });
      if (this.httpChildren.size < 10_000) this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  sessionCreated(method: string): void {
    this.created.inc({ method });
  }

  transition(from: Session, to: Session): void {
    if (from.status !== to.status) this.transitions.inc({ method: to.method, status: to.status });
  }

  setWaitCounter(fn: () => number): void {
    this.waitCount = fn;
  }
}
