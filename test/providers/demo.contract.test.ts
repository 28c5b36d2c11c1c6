// The demo eID through the provider contract suite. Its "simulator" is its own page: the person's
// Approve and Cancel buttons post the callback params that the page's script sends (API.md §8).
import { createDemoProvider } from '../../src/providers/demo/provider.js';
import { providerContract } from './contract-suite.js';

providerContract({
  name: 'demo',
  method: 'demo',
  country: 'SE',
  operations: ['authenticate', 'sign'],
  flows: ['browser'],
  // The service refuses headless from the declaration; demo's start itself does not check.
  refusesUndeclaredAtStart: false,
  publicStateKeys: [],
  async setup() {
    const provider = createDemoProvider();
    return {
      provider,
      person: {
        // The page's Approve with the first (preselected) test person, and its Cancel.
        approve: async () => ({ params: { action: 'approve', person: '0' } }),
        cancel: async () => ({ params: { action: 'cancel' } }),
      },
      close: async () => {},
    };
  },
});
