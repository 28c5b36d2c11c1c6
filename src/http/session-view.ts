// The merchant's view of a session (API.md §3 Read). Personal data appears only in `result`.
import type { Session } from '../core/types.js';
import { isFinal } from '../core/types.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function sessionView(s: Session, publicUrl: string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: s.id,
    status: s.status,
    method: s.method,
    operation: s.operation,
    flow: s.flow,
    relay_state: s.relay_state,
    metadata: s.metadata,
    version: s.version,
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
    expires_at: iso(s.expires_at),
    completed_at: iso(s.completed_at),
    progress: s.progress,
    result: s.personal.result,
    error: s.error,
  };
  view.result_erased_at = iso(s.result_erased_at);
  if (!isFinal(s.status)) {
    if (s.flow === 'browser') view.redirect_url = redirectUrl(s, publicUrl);
    else view.launch = s.launch ? { ...s.launch, qr_url: s.launch.qr_url ?? `${publicUrl}/v1/sessions/${s.id}/qr` } : null;
  }
  return view;
}

export function redirectUrl(s: Session, publicUrl: string): string {
  return `${publicUrl}/flow/${s.page_token}`;
}

/** The page's final navigation (API.md §4): id, status and relay_state only, never personal data. */
export function finishUrl(s: Session): string | null {
  const base = s.status !== 'complete' && s.options.target_error ? s.options.target_error : s.options.target;
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('id', s.id);
  url.searchParams.set('status', s.status);
  if (s.relay_state !== null) url.searchParams.set('relay_state', s.relay_state);
  return url.toString();
}
