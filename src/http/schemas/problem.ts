// Error answers in route schemas: application/problem+json (API.md §2, §6), one response per
// status, with the codes a route can answer listed in `code`'s enum (the reference links each one).
import { z } from 'zod';
import { API_ERRORS, type ApiErrorCode } from '../../core/errors.js';
import type { JsonSchema } from './json-schema.js';

export const Problem = z.strictObject({
  type: z.string().describe('A link to the code in the error reference.'),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable snake_case code: /docs/errors.'),
  detail: z.string(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional().describe('invalid_request: one entry per field.'),
});

export const PROBLEM_TYPE = 'application/problem+json';

/** Every /v1 route can answer these: the bearer key, the database, an unexpected fault. */
export const COMMON_ERRORS: ApiErrorCode[] = ['unauthorized', 'internal_error', 'service_unavailable'];

const RETRY_AFTER = new Set([429, 503]);

/** Response schemas for the given codes (with the common ones), grouped by their HTTP status. */
export function problemResponses(codes: ApiErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of [...new Set([...codes, ...COMMON_ERRORS])]) {
    const status = API_ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list.map((c) => API_ERRORS[c].title).join('; '),
      ...(RETRY_AFTER.has(status) ? { headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before trying again.' } } } : {}),
      content: {
        [PROBLEM_TYPE]: {
          schema: { allOf: [{ $ref: 'Problem' }, { type: 'object', properties: { status: { const: status }, code: { enum: list } } }] },
        },
      },
    };
  }
  return out;
}
