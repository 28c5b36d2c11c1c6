// The provider contract (DESIGN.md): every eID adapter implements it, and so does its simulator's
// client. A provider never touches storage or HTTP requests of the broker: it gets plain data and
// returns an Outcome, which the session service turns into a state-machine event.
import type {
  Flow,
  Identity,
  Locale,
  MethodId,
  Operation,
  Progress,
  SessionOptions,
  Signature,
} from '../core/types.js';

/** JSON-serialisable, stored encrypted with the session; may hold secrets (PKCE verifier, QR secret). */
export type ProviderState = Record<string, unknown>;

export interface StartContext {
  session_id: string;
  operation: Operation;
  flow: Flow;
  options: SessionOptions;
  locale: Locale;
  /** Restricts who may complete (BankID requirement.personalNumber); never shown. */
  personal_number: string | null;
  /** The person's IP as the broker sees it (trusted proxies applied), or the headless caller's. */
  end_user_ip: string;
  user_agent: string | null;
  /** Absolute URL the provider sends the browser back to (OIDC redirect_uri). */
  callback_url: string;
  /** Absolute URL of the workflow page (browser flow): where an eID app returns the person (BankID returnUrl). */
  page_url?: string | null;
  now: Date;
}

export interface ProgressContext {
  session_id: string;
  locale: Locale;
  now: Date;
  /** IP of the browser that is asking, when a browser asks (session-fixation checks). */
  end_user_ip: string | null;
}

/** The person's click on a browser step (OIDC: "continue to the provider"). */
export interface ReauthorizeContext extends ProgressContext {
  /** The current step was already opened: a trip to the provider began with it (its request is spent). */
  opened: boolean;
}

/**
 * A final answer read again against the session's provider state as it now is. A provider whose
 * final answer comes once (BankID's collect) offers it, so that an answer collected with a state
 * that another writer has since changed (a same-device mark) is judged by the current state rather
 * than thrown away.
 */
export type Reconsider = (state: ProviderState) => Outcome;

export type Outcome =
  | {
      kind: 'pending';
      state: ProviderState;
      progress?: Progress | null;
      /** Headless launch data (API.md §3), public. */
      launch?: Record<string, unknown> | null;
      /** Key the broker indexes so a browser callback finds its session (e.g. SHA-256 of OIDC state). */
      callback_key?: string | null;
      /** When the broker should call progress() next; absent = the provider is callback-driven. */
      next_check_ms?: number | null;
    }
  | {
      kind: 'complete';
      identity: Identity;
      signature?: Signature | null;
      device?: { ip_address: string } | null;
      reconsider?: Reconsider;
    }
  | { kind: 'failed'; code: string; message: string; reconsider?: Reconsider }
  /** Transient trouble (429/503/network): keep the state, ask again later. */
  | { kind: 'retry'; after_ms: number; reason: string };

/** What the workflow page needs to draw the provider's step; public, no secrets. */
export type BrowserView = Record<string, unknown>;

export interface Provider {
  readonly method: MethodId;
  readonly operations: readonly Operation[];
  readonly flows: readonly Flow[];
  start(ctx: StartContext): Promise<Outcome>;
  /** Poll-driven providers (BankID collect). */
  progress?(state: ProviderState, ctx: ProgressContext): Promise<Outcome>;
  /** Browser-driven steps (OIDC code return, demo approve): params come from the browser. */
  callback?(state: ProviderState, params: Record<string, string>, ctx: ProgressContext): Promise<Outcome>;
  /**
   * Browser steps that go stale: an OIDC authorization request pushed by PAR lives about a minute and
   * serves one trip, a request object a few minutes. Called on the person's click: null when the
   * current step is still good; else `pending` with a fresh state whose `callback_key` replaces the
   * old key in the same write (the old state then finds no session), or `retry` / `failed` when a
   * fresh one could not be made (the session is left as it was).
   */
  reauthorize?(state: ProviderState, ctx: ReauthorizeContext): Promise<Outcome | null>;
  /** What the page shows now (QR data, authorize URL, test people). */
  view?(state: ProviderState, ctx: ProgressContext): BrowserView;
  cancel(state: ProviderState): Promise<void>;
}
