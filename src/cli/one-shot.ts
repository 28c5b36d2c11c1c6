// Helpers of the one-shot commands (migrate, customers, keys): they print their answer and exit.
import type { Store } from '../storage/store.js';

/** Closes the store, but a one-shot command does not wait more than 2 s for it (it exits next). */
export async function closeSoon(store: Store): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([store.close(), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]).catch(() => undefined);
  clearTimeout(timer);
}
