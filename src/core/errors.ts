// Stable error codes. docs/errors.md is generated from ERROR_CODES and a test keeps them in step.
// Two kinds live here: API errors (problem+json answers, API.md §2 and §6) and session error
// codes (the `error.code` of a failed session, API.md §3).

export interface ApiErrorInfo {
  status: number;
  title: string;
  description: string;
}

export const API_ERRORS = {
  invalid_request: { status: 400, title: 'Invalid request', description: 'Malformed JSON, an unknown field, a wrong type or a value out of range; `errors` lists each field.' },
  target_not_allowed: { status: 400, title: 'Target not allowed', description: '`target` or `target_error` is not one of the customer\'s registered targets (exact match).' },
  frame_origin_not_allowed: { status: 400, title: 'Frame origin not allowed', description: '`frame_origin` is not one of the customer\'s registered frame origins.' },
  method_not_enabled: { status: 400, title: 'Method not enabled', description: 'Unknown `method`, or one not enabled for the customer.' },
  operation_not_supported: { status: 400, title: 'Operation not supported', description: 'The method cannot do the requested `operation` (e.g. sign with an OIDC method).' },
  flow_not_supported: { status: 400, title: 'Flow not supported', description: 'The method cannot do the requested `flow` (e.g. headless with an OIDC method).' },
  webhook_url_not_allowed: { status: 400, title: 'Webhook URL not allowed', description: 'The webhook URL is not https, does not resolve, or resolves to a loopback, private, link-local or metadata address.' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'Missing, unknown or revoked API key.' },
  forbidden: { status: 403, title: 'Forbidden', description: 'The browser is not the one this session is bound to, or the request lacks its binding token.' },
  not_found: { status: 404, title: 'Not found', description: 'No such object for this customer (another customer\'s object answers the same).' },
  method_not_allowed: { status: 405, title: 'Method not allowed', description: 'The HTTP method is not served on this path.' },
  session_final: { status: 409, title: 'Session is final', description: 'The session has already ended; its status never changes again.' },
  idempotency_conflict: { status: 409, title: 'Idempotency conflict', description: 'The `Idempotency-Key` was used before with a different request body.' },
  session_bound: { status: 409, title: 'Session opened in another browser', description: 'The workflow page is bound to the first browser that started it.' },
  qr_not_available: { status: 409, title: 'QR code not available', description: 'The order is past the scan step, or the method has no QR code.' },
  payload_too_large: { status: 413, title: 'Payload too large', description: 'The request body is over 64 KiB.' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', description: 'A /v1 body must be `application/json`; a form (`application/x-www-form-urlencoded`, `multipart/form-data`) or `text/plain` body is refused before anything is done; an empty body passes whatever its type.' },
  rate_limited: { status: 429, title: 'Too many requests', description: 'Rate limit or open-wait limit reached; retry after `Retry-After` seconds.' },
  internal_error: { status: 500, title: 'Internal error', description: 'An unexpected fault; nothing was changed that the answer does not show.' },
  provider_unavailable: { status: 502, title: 'Provider unavailable', description: 'The eID provider could not be reached or refused the request; retry later.' },
  service_unavailable: { status: 503, title: 'Service unavailable', description: 'The database is unreachable; retry later.' },
} as const satisfies Record<string, ApiErrorInfo>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** `error.code` values of a session that ended `failed` (or cancelled/expired for completeness). */
export const SESSION_ERRORS = {
  user_cancelled: 'The person cancelled in the eID app or on the page.',
  expired_transaction: 'The provider timed the order out (not started or not finished in time).',
  start_failed: 'The eID app was not started in time (QR code not scanned, app not found).',
  assurance_too_low: 'The provider reported a lower level of assurance than `min_assurance`.',
  certificate_err: 'The person\'s eID is blocked, revoked or invalid.',
  cancelled: 'The provider cancelled the order because a new one was started for the same person.',
  user_declined_call: 'Phone flow: the person said there was no call.',
  not_supported_by_user_app: 'The person\'s app is too old for a requested feature.',
  transaction_risk_blocked: 'The provider blocked the order because of high risk.',
  already_in_progress: 'The provider refused: an order for the same person was already running.',
  ip_mismatch: 'Same-device start completed from another IP than the browser that started it.',
  provider_error: 'The provider answered with an error that has no more specific code.',
  invalid_request: 'The provider order could not be made from the session\'s options (e.g. a BankID phone order without `personal_number`).',
  invalid_token: 'A token from the provider failed its signature, encryption or claim checks.',
  // Kept for sessions stored by earlier versions, which a merchant may still read.
  state_mismatch: 'No longer produced; found only on sessions failed by earlier versions: the provider callback\'s `state` did not belong to the session. Such a callback now changes no session (API.md §3).',
  session_cancelled: 'The merchant cancelled the session.',
  session_expired: 'The session passed `expires_at` before it ended.',
} as const satisfies Record<string, string>;

export type SessionErrorCode = keyof typeof SESSION_ERRORS;

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: ApiErrorCode,
    detail?: string,
    readonly errors?: { field: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? API_ERRORS[code].title);
    this.status = API_ERRORS[code].status;
    this.title = API_ERRORS[code].title;
  }
}

export function problem(err: ApiError): Record<string, unknown> {
  return {
    type: `/docs/errors#${err.code}`,
    title: err.title,
    status: err.status,
    code: err.code,
    detail: err.message,
    ...(err.errors ? { errors: err.errors } : {}),
  };
}
