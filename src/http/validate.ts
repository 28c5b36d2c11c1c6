import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import { fieldErrors } from '../sessions/create-input.js';

/** Parses with a zod schema; failures are 400 invalid_request with per-field errors (API.md §6). */
export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ApiError('invalid_request', 'The request has invalid fields.', fieldErrors(r.error));
  return r.data;
}

export const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Reads a list cursor this API handed out (`{t, id}` as base64url JSON); anything else is 400. */
export function decodeCursor(c: string | undefined): { t: number; id: string } | null {
  if (!c) return null;
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (typeof v.t === 'number' && typeof v.id === 'string') return v;
  } catch {
    /* fall through */
  }
  throw new ApiError('invalid_request', 'Bad cursor.', [{ field: 'cursor', message: 'not a cursor this API returned' }]);
}
