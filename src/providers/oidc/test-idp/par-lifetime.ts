// A shorter request_uri lifetime for tests. oidc-provider 9 fixes it at 60 s (or a request object's
// remaining exp, if shorter) and has no setting for it, so this middleware re-saves each pushed
// request with the wanted lifetime and says so in the answer's `expires_in` (RFC 9126 §2.2).
interface PushedRequestModel {
  save(ttl: number): Promise<unknown>;
}

export interface ParModelSource {
  PushedAuthorizationRequest: { find(id: string): Promise<PushedRequestModel | undefined> };
}

interface KoaLikeContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
}

const URN = 'urn:ietf:params:oauth:request_uri:';

export function parLifetimeMiddleware(provider: ParModelSource, ttlSeconds: number) {
  return async (ctx: KoaLikeContext, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/request' || ctx.status !== 201) return;
    const body = ctx.body as { request_uri?: string; expires_in?: number };
    const id = body.request_uri?.startsWith(URN) ? body.request_uri.slice(URN.length) : null;
    const model = id ? await provider.PushedAuthorizationRequest.find(id) : undefined;
    if (!model) return;
    await model.save(ttlSeconds);
    ctx.body = { ...body, expires_in: ttlSeconds };
  };
}
