// Route schemas of the sessions API (API.md §3): what the OpenAPI document and /docs show. The
// request parts come from the zod schemas the handlers parse with; the answers from components.
import type { z } from 'zod';
import { CreateSessionBody } from '../../sessions/create-input.js';
import { describe, jsonSchema, type JsonSchema } from './json-schema.js';
import { problemResponses } from './problem.js';
import { IdParams } from '../validate.js';
import { ListQuery, ReadQuery } from './session.js';

const SECURITY = [{ bearer: [] }];
const tags = ['sessions'];

export const ID_PARAMS = describe(jsonSchema(IdParams), { id: 'The id the create (or register) call answered.' });

// JSON Schema counts a string's length in code points, as the relay_state refinement does.
const CREATE_FIELDS: Record<string, string | JsonSchema> = {
  method: '`se-bankid`, `no-bankid`, `dk-mitid`, `fi-ftn`, `demo` (more may come); must be enabled for the customer.',
  operation: '`sign` needs `sign`; OIDC methods only authenticate.',
  flow: '`headless` = no pages: the answer carries `launch` (BankID only; needs `end_user_ip`).',
  target: 'Where the browser goes when the session ends; exactly one of the customer\'s registered targets.',
  target_error: 'Used instead of `target` when the session does not complete; same rule.',
  relay_state: { description: 'Echoed in redirects, webhooks and reads.', maxLength: 512 },
  locale: 'Language of the workflow page.',
  sign: 'Required when operation = sign.',
  'sign.text': 'What the person signs; at most 30,000 UTF-8 bytes.',
  'sign.format': 'How the eID app shows `text`.',
  'sign.hidden_data': 'Signed but not shown to the person (base64).',
  personal_number: 'Restricts who may complete (BankID requirement.personalNumber).',
  phone: 'se-bankid, headless only: BankID phone auth/sign; requires `personal_number`.',
  device: 'Browser flow: skip the page\'s device question (autostart vs animated QR).',
  min_assurance: 'A lower level from the provider ends the session failed, `assurance_too_low`.',
  end_user_ip: 'The person\'s IPv4 or IPv6 address; required for headless (the browser flow uses the real client IP).',
  return_url: 'Headless: where the eID app returns the person.',
  frame_origin: 'An origin such as `https://shop.example`: the registered frame origin that embeds this session; the page posts its message there.',
  expires_in: 'Seconds until the session expires.',
  metadata: 'The merchant\'s own, at most 4 KiB as JSON.',
};

const session = (description: string) => ({ description, $ref: 'Session' });

/** Typed loosely on purpose: Fastify would otherwise narrow `reply.code()` to the listed statuses. */
export const sessionSchemas: Record<'create' | 'read' | 'events' | 'list' | 'cancel', JsonSchema> = {
  create: {
    tags, security: SECURITY,
    summary: 'Create a session',
    description: 'A repeat with the same `Idempotency-Key` and body answers the first answer again (header `idempotent-replayed: true`); with another body, 409.',
    headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, description: 'Makes a retried create safe.' } } },
    body: describe(jsonSchema(CreateSessionBody), CREATE_FIELDS),
    response: {
      201: session('The session: `redirect_url` (browser flow) or `launch` (headless, already `pending`).'),
      ...problemResponses(['invalid_request', 'target_not_allowed', 'frame_origin_not_allowed', 'method_not_enabled', 'operation_not_supported', 'flow_not_supported', 'idempotency_conflict', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'provider_unavailable']),
    },
  },
  read: {
    tags, security: SECURITY,
    summary: 'Read a session, or long-poll it',
    description: 'With `wait` and `version`: answers as soon as the session\'s version exceeds `version`, or after `wait` seconds with the current state. Poll no more than every 2 s.',
    params: ID_PARAMS,
    querystring: describe(jsonSchema(ReadQuery), {
      wait: 'Long-poll: seconds to wait for a change.',
      version: 'Long-poll: the version the caller already has.',
    }),
    response: { 200: session('The session as it is now.'), ...problemResponses(['invalid_request', 'not_found', 'rate_limited']) },
  },
  events: {
    tags, security: SECURITY,
    summary: 'Server-sent events of one session',
    description: 'Each change is `id: <version>`, `event: session`, `data: <the session JSON>`; the current state comes first; a comment every 15 s keeps the stream open; it ends after the final status.',
    params: ID_PARAMS,
    headers: { type: 'object', properties: { 'last-event-id': { type: 'integer', minimum: 0, description: 'Resume after this version.' } } },
    response: {
      200: { description: 'text/event-stream of Session objects.', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      ...problemResponses(['invalid_request', 'not_found', 'rate_limited']),
    },
  },
  list: {
    tags, security: SECURITY,
    summary: 'Sessions changed since a time, oldest first',
    description: 'For reconciliation: follow `next_cursor` until it is null.',
    querystring: describe(jsonSchema(ListQuery), {
      updated_since: 'RFC 3339 time: sessions changed at or after it.',
      limit: 'Page size.',
      cursor: 'The `next_cursor` of the previous page.',
    }),
    response: { 200: { description: 'One page of sessions.', $ref: 'SessionList' }, ...problemResponses(['invalid_request']) },
  },
  cancel: {
    tags, security: SECURITY,
    summary: 'Cancel a session',
    description: 'Also cancels the provider\'s order.',
    params: ID_PARAMS,
    response: { 200: session('The session, now `cancelled`.'), ...problemResponses(['not_found', 'session_final']) },
  },
};

/** GET /v1/sessions/{id}/qr, with the handler's query schema. */
export function qrSchema(query: z.ZodType): JsonSchema {
  return {
    tags, security: SECURITY,
    description: 'While the order waits for a scan. Ask again after `refresh_after_ms`.',
    params: ID_PARAMS,
    querystring: describe(jsonSchema(query), { format: '`svg` answers the image itself.' }),
    response: {
      200: {
        description: 'The QR code of this second.',
        content: { 'application/json': { schema: { $ref: 'QrCode' } }, 'image/svg+xml': { schema: { type: 'string' } } },
      },
      ...problemResponses(['invalid_request', 'not_found', 'qr_not_available']),
    },
  };
}
