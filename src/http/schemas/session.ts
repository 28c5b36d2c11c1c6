// The session as the merchant API answers it (API.md §3 Read, Identity, Signature), and the query
// strings of read and list. The answers are strict here so that a test can show every field a
// real answer carries is documented; the document itself leaves them open (answers may gain fields).
import { z } from 'zod';

const time = z.iso.datetime();
const code = z.strictObject({ code: z.string(), message: z.string() });

export const NATIONAL_ID_TYPES = ['se_personnummer', 'se_samordningsnummer', 'no_fodselsnummer', 'no_d_number', 'dk_cpr', 'fi_hetu'] as const;

export const Identity = z.strictObject({
  provider: z.string().describe('The method that identified the person, e.g. `se-bankid`.'),
  country: z.string().describe('ISO 3166-1 alpha-2 country of the eID.'),
  subject: z.string().describe('Stable id of the person at the provider.'),
  national_id: z.strictObject({ value: z.string(), type: z.enum(NATIONAL_ID_TYPES), country: z.string() }).nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  full_name: z.string().nullable(),
  date_of_birth: z.iso.date().nullable(),
  assurance: z.strictObject({ level: z.enum(['low', 'substantial', 'high']), raw: z.string().describe('The provider\'s own level name.') }),
  authenticated_at: time,
  raw: z.record(z.string(), z.unknown()).describe('The provider\'s own claims or completion data, as it sent them.'),
});

export const Signature = z.strictObject({
  format: z.literal('bankid-xmldsig'),
  value: z.string().describe('The signature, base64 XML.'),
  ocsp_response: z.string().describe('base64'),
  signed_text: z.string(),
});

export const SessionResult = z.strictObject({
  identity: Identity,
  signature: Signature.nullable().describe('operation = sign only.'),
  device: z.strictObject({ ip_address: z.string() }).nullable(),
});

export const Launch = z.looseObject({
  auto_start_token: z.string().optional(),
  launch_url: z.string().optional().describe('Opens the eID app on this device.'),
  qr_url: z.string().describe('GET it (with the API key) for the animated QR code.'),
});

export const SessionView = z.strictObject({
  id: z.string(),
  status: z.enum(['created', 'pending', 'complete', 'failed', 'cancelled', 'expired']),
  method: z.string(),
  operation: z.enum(['authenticate', 'sign']),
  flow: z.enum(['browser', 'headless']),
  relay_state: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable().describe('The merchant\'s own, as sent.'),
  version: z.number().int().min(1).describe('Rises by one at every change.'),
  created_at: time,
  updated_at: time,
  expires_at: time,
  completed_at: time.nullable().describe('When the session reached its final status.'),
  progress: code.nullable().describe('The provider\'s hint while pending, e.g. `outstanding_transaction`.'),
  result: SessionResult.nullable().describe('Once complete; null again after the retention period.'),
  error: code.nullable().describe('Why the session failed; codes in /docs/errors.'),
  result_erased_at: time.nullable().describe('When personal data was erased (retention).'),
  redirect_url: z.string().optional().describe('Browser flow, until final: the workflow page.'),
  launch: Launch.nullable().optional().describe('Headless flow, until final: how to start the eID app.'),
});

export const SessionList = z.strictObject({
  data: z.array(SessionView),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.'),
});

export const QrCode = z.strictObject({
  qr_data: z.string().describe('`bankid.<qrStartToken>.<seconds>.<hmac>`: show it as a QR code.'),
  refresh_after_ms: z.number().int().describe('Ask again after this long; the code changes every second.'),
});

/** `?wait=&version=` of a read (API.md §3 Long-poll). */
export const ReadQuery = z
  .object({
    wait: z.coerce.number().int().min(0).max(30).optional(),
    version: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** `?updated_since=&limit=&cursor=` of the reconcile list (API.md §3). */
export const ListQuery = z
  .object({
    updated_since: z.iso.datetime({ offset: true }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(512).optional(),
  })
  .strict();
