// API.md §2/§6: every error is application/problem+json {type,title,status,code,detail,errors?}
// with a stable snake_case code listed in the project's error reference (docs/errors.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Res } from './http.js';
import { ROOT } from './processes.js';

const ERROR_REFERENCE = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');

export function expectProblem(r: Res, status: number, code?: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, code: expect.any(String), detail: expect.any(String) });
  if (code) expect(r.body.code).toBe(code);
  for (const k of Object.keys(r.body)) expect(['type', 'title', 'status', 'code', 'detail', 'errors']).toContain(k);
  expect(r.body.code).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(ERROR_REFERENCE).toContain(`\`${r.body.code}\``);
}

/** 400 invalid_request whose `errors` names `field` (a dotted path). */
export function expectInvalid(r: Res, field: string): void {
  expectProblem(r, 400, 'invalid_request');
  expect(Array.isArray(r.body.errors), r.text).toBe(true);
  for (const e of r.body.errors) expect(e).toMatchObject({ field: expect.any(String), message: expect.any(String) });
  expect(r.body.errors.map((e: any) => e.field), r.text).toContain(field);
}
