// The session domain: plain data, no I/O. Field names follow ../shared/API.md §3.

export const METHODS = ['se-bankid', 'no-bankid', 'dk-mitid', 'fi-ftn', 'demo'] as const;
export type MethodId = (typeof METHODS)[number];
export type Operation = 'authenticate' | 'sign';
export type Flow = 'browser' | 'headless';
export const LOCALES = ['en', 'sv', 'nb', 'da', 'fi'] as const;
export type Locale = (typeof LOCALES)[number];
export type AssuranceLevel = 'low' | 'substantial' | 'high';

export const FINAL_STATUSES = ['complete', 'failed', 'cancelled', 'expired'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type SessionStatus = 'created' | 'pending' | FinalStatus;

export function isFinal(status: SessionStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export type NationalIdType =
  | 'se_personnummer'
  | 'se_samordningsnummer'
  | 'no_fodselsnummer'
  | 'no_d_number'
  | 'dk_cpr'
  | 'fi_hetu';

export interface Identity {
  provider: MethodId;
  country: string;
  subject: string;
  national_id: { value: string; type: NationalIdType; country: string } | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  date_of_birth: string | null;
  assurance: { level: AssuranceLevel; raw: string };
  authenticated_at: string;
  raw: Record<string, unknown>;
}

export interface Signature {
  format: 'bankid-xmldsig';
  value: string;
  ocsp_response: string;
  signed_text: string;
}

export interface SessionResult {
  identity: Identity;
  signature: Signature | null;
  device: { ip_address: string } | null;
}

export interface Progress {
  code: string;
  message: string;
}

export interface SessionError {
  code: string;
  message: string;
}

export interface SignRequest {
  text: string;
  format: 'plaintext' | 'markdown';
  hidden_data?: string;
}

/** What the merchant asked for; the personal parts live in `SessionPersonal`. */
export interface SessionOptions {
  target: string | null;
  target_error: string | null;
  locale: Locale;
  sign: SignRequest | null;
  device: 'auto' | 'same_device' | 'other_device';
  min_assurance: 'substantial' | 'high' | null;
  return_url: string | null;
  frame_origin: string | null;
  phone: { call_initiator: 'user' | 'rp' } | null;
}

/** Personal data of a session: encrypted at rest, erased after retention. */
export interface SessionPersonal {
  personal_number: string | null;
  end_user_ip: string | null;
  result: SessionResult | null;
}

export interface Session {
  id: string;
  customer_id: string;
  status: SessionStatus;
  method: MethodId;
  operation: Operation;
  flow: Flow;
  relay_state: string | null;
  metadata: Record<string, unknown> | null;
  options: SessionOptions;
  personal: SessionPersonal;
  /** Opaque provider state (order refs, PKCE verifiers); never shown to merchants. */
  provider_state: Record<string, unknown> | null;
  /** Public launch data of a headless session (API.md §3). */
  launch: Record<string, unknown> | null;
  progress: Progress | null;
  error: SessionError | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  result_erased_at: Date | null;
  retention_hours: number;
  /** Token in redirect_url; separate from the id, which the target's query reveals. */
  page_token: string;
  /** SHA-256 of the secret that binds the page to the first browser that scripted it. */
  browser_binding: string | null;
}
