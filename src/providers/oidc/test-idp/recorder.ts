// A test hook on the test IdP: records what each endpoint received and answered (so tests can
// assert the wire form: client_assertion, request object, JWE ID token), and lets a test tamper
// with an answer before it leaves, or answer in the OP's place (an outage, a refusal).
export interface Recorded {
  path: string;
  method: string;
  /** Query (GET) or form body (POST) as the OP parsed it. */
  params: Record<string, unknown>;
  authorization: string | null;
  status: number;
  body: unknown;
}

/** May be async: a test holds an answer (the OP already made it) to act while the broker waits. */
export type Tamper = (body: unknown) => unknown;

/** An answer given instead of the OP's, once: the OP never sees the request (a gateway's 5xx). */
export interface Failure {
  status: number;
  body: unknown;
}

export interface Recorder {
  records: Recorded[];
  /** Path (e.g. `/token`, `/me`) -> rewrite of the answer body. */
  tamper: Map<string, Tamper>;
  /** Path -> the next request there gets this answer instead of the OP's. */
  fail: Map<string, Failure>;
  clear(): void;
}

export function createRecorder(): Recorder {
  const recorder: Recorder = {
    records: [],
    tamper: new Map(),
    fail: new Map(),
    clear() {
      recorder.records.length = 0;
      recorder.tamper.clear();
      recorder.fail.clear();
    },
  };
  return recorder;
}

interface KoaLikeContext {
  path: string;
  method: string;
  query: Record<string, unknown>;
  status: number;
  body: unknown;
  get(name: string): string;
  oidc?: { body?: Record<string, unknown> };
  req: { body?: unknown };
}

/** The form as it came over the wire (test-idp.ts keeps it); the OP rewrites ctx.oidc.body. */
function wireBody(ctx: KoaLikeContext): Record<string, unknown> {
  const raw = ctx.req.body;
  if (typeof raw === 'string' && ctx.get('content-type').startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return { ...(ctx.oidc?.body ?? {}) };
}

/** Koa middleware for oidc-provider's `provider.use()`. */
export function recorderMiddleware(recorder: Recorder) {
  return async (ctx: KoaLikeContext, next: () => Promise<void>): Promise<void> => {
    const failure = recorder.fail.get(ctx.path);
    if (failure) {
      recorder.fail.delete(ctx.path);
      ctx.status = failure.status;
      ctx.body = failure.body;
    } else {
      await next();
    }
    if (ctx.path.startsWith('/interaction/')) return;
    const tamper = failure ? undefined : recorder.tamper.get(ctx.path);
    if (tamper) ctx.body = await tamper(ctx.body);
    const params = ctx.method === 'GET' ? { ...ctx.query } : wireBody(ctx);
    recorder.records.push({
      path: ctx.path,
      method: ctx.method,
      params,
      authorization: ctx.get('authorization') || null,
      status: ctx.status,
      body: ctx.body,
    });
  };
}
