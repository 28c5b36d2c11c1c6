import type { z } from 'zod';
import { ApiError } from '../core/errors.js';
import { fieldErrors } from '../sessions/create-input.js';

/** Parses with a zod schema; failures are 400 invalid_request with per-field errors (API.md §6). */
export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ApiError('invalid_request', 'The request has invalid fields.', fieldErrors(r.error));
  return r.data;
}
