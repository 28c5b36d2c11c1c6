// The provider contract suite (DESIGN.md: "every provider has a simulator behind the same interface
// and passes one provider contract suite"). Given a provider and a driver that acts as the person at
// that provider's simulator, it runs the same conformance checks against every eID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow, MethodId, Operation } from '../../src/core/types.js';
import { METHODS } from '../../src/core/types.js';
import type { Outcome, ProgressContext, Provider, ProviderState, StartContext } from '../../src/providers/contract.js';
import { documentedCodes, identityProblems, leaks, OUTCOME_KINDS, outcomeProblems, roundTrip } from './conformance.js';

/** What the person's browser brings back to the broker's callback; null when the provider polls. */
export type CallbackParams = Record<string, string>;

/** After the person acted: the callback's params, and the state if the click changed it. */
export interface PersonResult {
  params: CallbackParams | null;
  state?: ProviderState;
}

/** Acts as the person at the provider's simulator, starting from a pending session's state. */
export interface PersonDriver {
  approve(state: ProviderState): Promise<PersonResult>;
  cancel(state: ProviderState): Promise<PersonResult>;
  /** Whether the simulator still runs an order for this state; absent when there is no remote order. */
  orderLive?(state: ProviderState): Promise<boolean>;
}

export interface ContractSetup {
  provider: Provider;
  person: PersonDriver;
  close(): Promise<void>;
}

export interface ProviderSubject {
  name: string;
  method: MethodId;
  /** Identity.country this eID yields. */
  country: string;
  /** What API.md says the method can do; the service refuses the rest by the declaration. */
  operations: Operation[];
  flows: Flow[];
  /** The provider itself also refuses an undeclared operation/flow at start (defence in depth). */
  refusesUndeclaredAtStart: boolean;
  /** State keys whose values are public by protocol (shown QR token, authorize URL). */
  publicStateKeys: string[];
  /** The provider renews a spent browser step on the person's click (contract.ts `reauthorize`). */
  renewsStepOnClick?: boolean;
  setup(): Promise<ContractSetup>;
  /** Fields the provider needs in every start (its registered callback URL, its clock). */
  context?(): Partial<StartContext>;
}

const ALL_OPERATIONS: Operation[] = ['authenticate', 'sign'];
const ALL_FLOWS: Flow[] = ['browser', 'headless'];
// Personal data the broker hands to start: none of it may reach the page or the launch data.
const PERSONAL = { personal_number: '199001011239', end_user_ip: '127.0.0.77', user_agent: 'Mozilla/5.0 (ContractSuite-7f3a9c)' };
const SIGN = { text: 'I agree to the contract suite terms.', format: 'plaintext' as const, hidden_data: Buffer.from('contract-suite-ref').toString('base64') };

const sorted = <T extends string>(list: readonly T[]) => [...list].sort();

/**
 * The optional renewal of a browser step on the person's click (contract.ts `reauthorize`), read
 * structurally so that the suite holds to the contract's required members and still compiles should
 * that member move.
 */
type Reauthorize = (state: ProviderState, ctx: ProgressContext & { opened: boolean }) => Promise<Outcome | null>;
const reauthorizeOf = (p: Provider): Reauthorize | undefined => (p as { reauthorize?: Reauthorize }).reauthorize?.bind(p);

export function providerContract(subject: ProviderSubject): void {
  describe(`provider contract: ${subject.name}`, () => {
    let env: ContractSetup;
    const seen: { outcome: Outcome; refusal: boolean }[] = [];
    beforeAll(async () => {
      env = await subject.setup();
    });
    afterAll(() => env?.close());

    const startContext = (over: Partial<StartContext> = {}): StartContext => ({
      session_id: `ses_contract_${Math.random().toString(36).slice(2, 10)}`,
      operation: 'authenticate',
      flow: 'browser',
      options: {
        target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null,
        return_url: null, frame_origin: null, phone: null,
      },
      locale: 'en',
      personal_number: null,
      end_user_ip: '127.0.0.1',
      user_agent: null,
      callback_url: 'https://broker.test/v1/callback',
      page_url: null,
      now: new Date(),
      ...subject.context?.(),
      ...over,
    });
    const progressContext = (): ProgressContext => ({
      session_id: 'ses_contract', locale: 'en', now: startContext().now, end_user_ip: '127.0.0.1',
    });

    /** Every outcome passes through here: shape-checked at once, judged for codes at the end. */
    function observe(outcome: Outcome, refusal = false): Outcome {
      expect(outcomeProblems(outcome).join('; '), `outcome ${JSON.stringify(outcome)?.slice(0, 300)}`).toBe('');
      seen.push({ outcome, refusal });
      return outcome;
    }

    async function startPending(over: Partial<StartContext> = {}): Promise<Extract<Outcome, { kind: 'pending' }>> {
      const outcome = observe(await env.provider.start(startContext(over)));
      if (outcome.kind !== 'pending') throw new Error(`start did not answer pending: ${JSON.stringify(outcome)}`);
      return outcome;
    }

    /**
     * The person clicks through to the provider, as on the broker's page: a step that can go stale
     * is renewed first (`opened`: this step already took them there once), then the driver acts.
     */
    async function click(state: ProviderState, act: PersonDriver['approve'], opened = false) {
      let current = roundTrip(state);
      const reauthorize = reauthorizeOf(env.provider);
      const fresh = reauthorize ? await reauthorize(current, { ...progressContext(), opened }) : null;
      if (fresh) {
        observe(fresh);
        if (fresh.kind !== 'pending') throw new Error(`the click could not renew the step: ${JSON.stringify(fresh)}`);
        current = roundTrip(fresh.state);
      }
      const done = await act(current);
      return { state: current, done, fresh };
    }

    /** Feeds the person's action back the way the broker would, with the state as stored (JSON). */
    async function settle(state: ProviderState, done: PersonResult): Promise<Outcome> {
      let current = roundTrip(done.state ?? state);
      if (done.params) {
        expect(env.provider.callback, 'the driver returned callback params, so the provider needs callback()').toBeTypeOf('function');
        return observe(await env.provider.callback!(current, done.params, progressContext()));
      }
      expect(env.provider.progress, 'no callback params, so the provider must be poll-driven').toBeTypeOf('function');
      for (let attempt = 0; attempt < 50; attempt++) {
        const outcome = observe(await env.provider.progress!(current, progressContext()));
        if (outcome.kind === 'complete' || outcome.kind === 'failed') return outcome;
        if (outcome.kind === 'pending') current = roundTrip(outcome.state);
        await new Promise((r) => setTimeout(r, outcome.kind === 'retry' ? Math.min(outcome.after_ms, 250) : 10));
      }
      throw new Error('the provider stayed pending after the person acted');
    }

    it('declares its method id, operations and flows, and the required members', () => {
      const p = env.provider;
      expect(p.method).toBe(subject.method);
      expect(METHODS).toContain(p.method);
      expect(sorted(p.operations)).toEqual(sorted(subject.operations));
      expect(sorted(p.flows)).toEqual(sorted(subject.flows));
      expect(p.start).toBeTypeOf('function');
      expect(p.cancel).toBeTypeOf('function');
      // Something must carry the person's answer back: a poll (progress) or a browser return (callback).
      expect(typeof p.progress === 'function' || typeof p.callback === 'function').toBe(true);
    });

    const undeclared = [
      ...ALL_OPERATIONS.filter((op) => !subject.operations.includes(op)).map((operation) => ({ what: `operation ${operation}`, over: { operation }, value: operation, code: 'operation_not_supported' })),
      ...ALL_FLOWS.filter((flow) => !subject.flows.includes(flow)).map((flow) => ({ what: `flow ${flow}`, over: { flow }, value: flow, code: 'flow_not_supported' })),
    ];
    // Registered only where it applies, so a run lists no skipped check.
    if (undeclared.length === 0) it('can do every operation and flow of API.md (nothing to refuse)', () => {
      expect(sorted(env.provider.operations)).toEqual(sorted(ALL_OPERATIONS));
      expect(sorted(env.provider.flows)).toEqual(sorted(ALL_FLOWS));
    });
    it.each(undeclared)('refuses $what the way the broker expects ($code)', async (c) => {
      // The service answers 400 operation_not_supported / flow_not_supported from the declaration
      // (src/sessions/create.ts), so the declaration is the provider's part...
      expect([...env.provider.operations, ...env.provider.flows] as string[]).not.toContain(c.value);
      if (!subject.refusesUndeclaredAtStart) return;
      // ...and a provider that guards its own start must refuse with the same code, never start.
      const outcome = observe(await env.provider.start(startContext(c.over)), true);
      expect(outcome).toMatchObject({ kind: 'failed', code: c.code });
    });

    const combos = subject.operations.flatMap((operation) => subject.flows.map((flow) => ({ operation, flow })));
    it.each(combos)('starts $operation/$flow as pending with a state that survives JSON', async ({ operation, flow }) => {
      const started = await startPending({ operation, flow, options: { ...startContext().options, sign: operation === 'sign' ? SIGN : null } });
      expect(roundTrip(started.state)).toStrictEqual(started.state);
      // No next check means the provider waits for a browser return, so it must have callback().
      if (started.next_check_ms == null) expect(env.provider.callback).toBeTypeOf('function');
      else expect(env.provider.progress).toBeTypeOf('function');
      // API.md §3: a headless answer carries launch data instead of a page.
      if (flow === 'headless') expect(started.launch).toEqual(expect.any(Object));
      await env.provider.cancel(roundTrip(started.state));
    });

    it('shows the page and launch data no secret of its state and no personal data', async () => {
      const started = await startPending(PERSONAL);
      const state = roundTrip(started.state);
      const shown = {
        view: env.provider.view ? env.provider.view(state, progressContext()) : null,
        launch: started.launch ?? null,
        progress: started.progress ?? null,
      };
      expect(roundTrip(shown), 'what the page sees is JSON').toStrictEqual(shown);
      expect(leaks(shown, PERSONAL), 'personal data shown').toEqual([]);
      const privateValues = Object.fromEntries(
        Object.entries(state).filter(([key, value]) => typeof value === 'string' && !subject.publicStateKeys.includes(key)),
      ) as Record<string, string>;
      expect(leaks(shown, privateValues), 'private state values shown').toEqual([]);
      await env.provider.cancel(state);
    });

    it('completes with the normalised identity of API.md §3 when the person approves', async () => {
      const started = await startPending();
      const { state, done: acted } = await click(started.state, env.person.approve);
      const done = await settle(state, acted);
      if (done.kind !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(done)}`);
      expect(identityProblems(done.identity, { method: subject.method, country: subject.country }).join('; '), 'identity').toBe('');
      expect(done.signature ?? null, 'authenticate carries no signature').toBeNull();
    });

    // Registered only where it applies, so a run lists no skipped check.
    if (subject.renewsStepOnClick) it('renews a spent browser step on the click: fresh state, new callback key, still completes', async () => {
      const started = await startPending();
      expect(reauthorizeOf(env.provider), 'the provider offers reauthorize').toBeTypeOf('function');
      // `opened`: the first trip already went out with this step, so it must not be handed out again.
      const { state, done: acted, fresh } = await click(started.state, env.person.approve, true);
      if (fresh?.kind !== 'pending') throw new Error(`expected a fresh pending step, got ${JSON.stringify(fresh)}`);
      expect(fresh.callback_key).toEqual(expect.any(String));
      expect(fresh.callback_key).not.toBe(started.callback_key);
      expect(roundTrip(fresh.state)).toStrictEqual(fresh.state);
      const done = await settle(state, acted);
      expect(done.kind, JSON.stringify(done)).toBe('complete');
      // The spent step's state never completes with this return (refused with a failure or an error).
      if (env.provider.callback && acted.params) {
        const stale = await env.provider.callback(roundTrip(started.state), acted.params, progressContext()).then(observe, () => null);
        expect(stale?.kind ?? 'refused').not.toBe('complete');
      }
    });

    // Registered only where it applies, so a run lists no skipped check.
    if (subject.operations.includes('sign')) it('signs: complete, and any signature is over the text asked for', async () => {
      const started = await startPending({ operation: 'sign', options: { ...startContext().options, sign: SIGN } });
      const { state, done: acted } = await click(started.state, env.person.approve);
      const done = await settle(state, acted);
      if (done.kind !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(done)}`);
      expect(identityProblems(done.identity, { method: subject.method, country: subject.country }).join('; '), 'identity').toBe('');
      if (done.signature != null) {
        expect(done.signature).toEqual({ format: 'bankid-xmldsig', value: expect.any(String), ocsp_response: expect.any(String), signed_text: SIGN.text });
      }
    });

    it('fails user_cancelled when the person cancels at the provider', async () => {
      const started = await startPending();
      const { state, done: acted } = await click(started.state, env.person.cancel);
      const done = await settle(state, acted);
      expect(done).toMatchObject({ kind: 'failed', code: 'user_cancelled' });
    });

    it('accepts cancel() of a pending order, and the order is then gone', async () => {
      const started = await startPending();
      const state = roundTrip(started.state);
      if (env.person.orderLive) expect(await env.person.orderLive(state), 'order live before cancel').toBe(true);
      await expect(env.provider.cancel(state)).resolves.toBeUndefined();
      if (env.person.orderLive) expect(await env.person.orderLive(state), 'order live after cancel').toBe(false);
      // A poll after the cancel must not bring the order back as running or complete.
      if (env.provider.progress) {
        const after = observe(await env.provider.progress(state, progressContext()));
        expect(['failed', 'retry']).toContain(after.kind);
      }
    });

    it('returns only outcomes of the closed union, failed codes listed in docs/errors.md', () => {
      const docs = documentedCodes();
      const kinds = new Set(seen.map((s) => s.outcome.kind));
      expect([...kinds].filter((k) => !(OUTCOME_KINDS as readonly string[]).includes(k))).toEqual([]);
      // The runs above must have produced the union's main kinds, or this check proved nothing.
      expect([...kinds]).toEqual(expect.arrayContaining(['pending', 'complete', 'failed']));
      const failed = seen.filter((s) => s.outcome.kind === 'failed');
      // A failed outcome becomes the session's error.code; a start refusal is the API's 400 code.
      const unlisted = failed
        .map((s) => ({ code: (s.outcome as { code: string }).code, table: s.refusal ? docs.api : docs.session }))
        .filter((f) => !f.table.has(f.code))
        .map((f) => f.code);
      expect([...new Set(unlisted)]).toEqual([]);
    });
  });
}
