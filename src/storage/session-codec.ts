// Session <-> row. Personal data and provider state are sealed (AES-256-GCM) with the session id as
// associated data; everything else is plain so it can be listed and indexed.
import type { Session, SessionPersonal } from '../core/types.js';
import type { SessionsTable } from './schema.js';
import type { Sealer } from './sealing.js';

const EMPTY_PERSONAL: SessionPersonal = { personal_number: null, end_user_ip: null, result: null };

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parse = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T));
const ms = (d: Date | null) => (d ? d.getTime() : null);
const date = (v: number | null) => (v === null ? null : new Date(Number(v)));

export interface SchedulingColumns {
  callback_key?: string | null;
  next_check_at?: Date | null;
}

/** The columns a session is read from (fromRow), named in the SQL of prepared statements. */
export const SESSION_COLUMNS = [
  'id', 'customer_id', 'page_token', 'status', 'method', 'operation', 'flow', 'relay_state', 'metadata', 'options',
  'personal_sealed', 'provider_sealed', 'launch', 'progress', 'error', 'version', 'created_at', 'updated_at', 'expires_at',
  'completed_at', 'result_erased_at', 'retention_hours', 'erase_after', 'browser_binding', 'callback_key', 'next_check_at', 'lease_owner', 'lease_until',
] as const satisfies readonly (keyof SessionsTable)[];
// Every column toRow writes is read back: a column added to the table type fails to compile here.
const _allColumns: Record<Exclude<keyof SessionsTable, 'callback_binding'>, true> = Object.fromEntries(SESSION_COLUMNS.map((c) => [c, true])) as Record<(typeof SESSION_COLUMNS)[number], true>;
void _allColumns;

/** Hours of retention in ms; bigint in SQL (see migration 007), a plain number here. */
export const HOUR_MS = 3_600_000;

/**
 * When a session's personal data is due for erasure (migration 007): retention after the final
 * status, and null while it is open or once it has been erased, so the sweep's index holds only
 * the rows still owed an erasure.
 */
export function eraseAfter(s: Pick<Session, 'completed_at' | 'result_erased_at' | 'retention_hours'>): number | null {
  return s.completed_at && !s.result_erased_at ? s.completed_at.getTime() + s.retention_hours * HOUR_MS : null;
}

export function toRow(s: Session, sealer: Sealer, sched: SchedulingColumns = {}): SessionsTable {
  const hasPersonal = s.personal.personal_number || s.personal.end_user_ip || s.personal.result;
  return {
    id: s.id,
    customer_id: s.customer_id,
    page_token: s.page_token,
    status: s.status,
    method: s.method,
    operation: s.operation,
    flow: s.flow,
    relay_state: s.relay_state,
    metadata: json(s.metadata),
    options: JSON.stringify(s.options),
    personal_sealed: hasPersonal ? sealer.seal(s.personal, `personal:${s.id}`) : null,
    provider_sealed: s.provider_state ? sealer.seal(s.provider_state, `provider:${s.id}`) : null,
    launch: json(s.launch),
    progress: json(s.progress),
    error: json(s.error),
    version: s.version,
    created_at: s.created_at.getTime(),
    updated_at: s.updated_at.getTime(),
    expires_at: s.expires_at.getTime(),
    completed_at: ms(s.completed_at),
    result_erased_at: ms(s.result_erased_at),
    retention_hours: s.retention_hours,
    erase_after: eraseAfter(s),
    browser_binding: s.browser_binding,
    callback_key: sched.callback_key ?? null,
    next_check_at: sched.next_check_at ? sched.next_check_at.getTime() : null,
    lease_owner: null,
    lease_until: null,
  };
}

export function fromRow(r: SessionsTable, sealer: Sealer): Session {
  return {
    id: r.id,
    customer_id: r.customer_id,
    page_token: r.page_token,
    status: r.status as Session['status'],
    method: r.method as Session['method'],
    operation: r.operation as Session['operation'],
    flow: r.flow as Session['flow'],
    relay_state: r.relay_state,
    metadata: parse(r.metadata),
    options: JSON.parse(r.options),
    personal: r.personal_sealed ? sealer.open<SessionPersonal>(r.personal_sealed, `personal:${r.id}`) : { ...EMPTY_PERSONAL },
    provider_state: r.provider_sealed ? sealer.open(r.provider_sealed, `provider:${r.id}`) : null,
    launch: parse(r.launch),
    progress: parse(r.progress),
    error: parse(r.error),
    version: Number(r.version),
    created_at: new Date(Number(r.created_at)),
    updated_at: new Date(Number(r.updated_at)),
    expires_at: new Date(Number(r.expires_at)),
    completed_at: date(r.completed_at),
    result_erased_at: date(r.result_erased_at),
    retention_hours: Number(r.retention_hours),
    browser_binding: r.browser_binding,
  };
}
