// The demo eID (API.md §8): the page lists test people; "Approve" completes as the chosen one,
// "Cancel" fails the session with user_cancelled. It exists so a newcomer and a merchant's own
// test suite can run a whole flow without credentials; `serve` offers it only when enabled.
import type { Identity } from '../../core/types.js';
import type { Outcome, Provider } from '../contract.js';
import { DEMO_PEOPLE, type DemoPerson } from './people.js';

function identityOf(p: DemoPerson, now: Date): Identity {
  return {
    provider: 'demo',
    country: 'SE',
    subject: `demo-${p.personal_number}`,
    national_id: { value: p.personal_number, type: 'se_personnummer', country: 'SE' },
    first_name: p.first_name,
    last_name: p.last_name,
    full_name: `${p.first_name} ${p.last_name}`,
    date_of_birth: p.date_of_birth,
    assurance: { level: 'low', raw: 'demo' },
    authenticated_at: now.toISOString(),
    raw: { test_person: true },
  };
}

export function createDemoProvider(): Provider {
  return {
    method: 'demo',
    operations: ['authenticate', 'sign'],
    flows: ['browser'],
    async start() {
      return { kind: 'pending', state: { started: true }, progress: null };
    },
    view() {
      return { people: DEMO_PEOPLE.map((p, index) => ({ index, name: `${p.first_name} ${p.last_name}`, personal_number: p.personal_number })) };
    },
    async callback(_state, params, ctx): Promise<Outcome> {
      if (params.action === 'cancel') return { kind: 'failed', code: 'user_cancelled', message: 'The person cancelled.' };
      const person = DEMO_PEOPLE[Number(params.person ?? 0)];
      if (params.action !== 'approve' || !person) return { kind: 'failed', code: 'provider_error', message: 'Unknown demo action.' };
      return { kind: 'complete', identity: identityOf(person, ctx.now), signature: null, device: ctx.end_user_ip ? { ip_address: ctx.end_user_ip } : null };
    },
    async cancel() {},
  };
}
