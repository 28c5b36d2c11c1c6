// The create call's body (API.md §3) as a strict schema: unknown fields, wrong types and values out
// of range are `invalid_request` with one entry per field.
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOCALES } from '../core/types.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const origin = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      return new URL(v).origin === v;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://shop.example');

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
// "string ≤ 512" counts characters (code points), so an emoji is one, as a merchant counts it;
// zod's max counts UTF-16 units and would count it twice.
const characters = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export const CreateSessionBody = z
  .object({
    method: z.string().min(1).max(64),
    operation: z.enum(['authenticate', 'sign']).default('authenticate'),
    flow: z.enum(['browser', 'headless']).default('browser'),
    target: httpUrl.optional(),
    target_error: httpUrl.optional(),
    relay_state: z.string().refine((v) => characters(v) <= 512, 'at most 512 characters').optional(),
    locale: z.enum(LOCALES).default('en'),
    sign: z
      .object({
        text: z.string().min(1).refine((t) => utf8Bytes(t) <= 30_000, 'at most 30,000 UTF-8 bytes'),
        format: z.enum(['plaintext', 'markdown']).default('plaintext'),
        hidden_data: z.base64().max(40_000).optional(),
      })
      .strict()
      .optional(),
    personal_number: z.string().regex(/^\d{12}$/, 'must be 12 digits (YYYYMMDDNNNC)').optional(),
    phone: z.object({ call_initiator: z.enum(['user', 'rp']) }).strict().optional(),
    device: z.enum(['auto', 'same_device', 'other_device']).default('auto'),
    min_assurance: z.enum(['substantial', 'high']).optional(),
    end_user_ip: z.string().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address').optional(),
    return_url: httpUrl.optional(),
    frame_origin: origin.optional(),
    expires_in: z.number().int().min(60).max(3600).default(600),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((m) => utf8Bytes(JSON.stringify(m)) <= 4096, 'at most 4 KiB as JSON')
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const need = (cond: boolean, path: string, message: string) => cond || ctx.addIssue({ code: 'custom', path: [path], message });
    need(b.operation !== 'sign' || !!b.sign, 'sign', 'required when operation is sign');
    need(b.operation === 'sign' || !b.sign, 'sign', 'only allowed when operation is sign');
    need(b.flow !== 'headless' || !!b.end_user_ip, 'end_user_ip', 'required for the headless flow');
    need(!b.phone || b.flow === 'headless', 'phone', 'only with flow headless');
    need(!b.phone || !!b.personal_number, 'personal_number', 'required with phone');
  });

export type CreateSessionInput = z.output<typeof CreateSessionBody>;

/** Flattens zod issues into API.md §6 `errors: [{field, message}]`. */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...i.path, k].join('.'), message: 'unknown field' }));
    return [{ field: i.path.join('.') || '(body)', message: i.message }];
  });
}
