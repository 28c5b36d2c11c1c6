// API.md §8 "The demo eID": method demo shows a list of test people with the first one
// preselected; buttons named "Approve" and "Cancel" on the English page complete the session as
// the chosen person, or end it failed with user_cancelled; Approve needs no other step. Driven in
// Chromium by accessible names, as merchants' own browser tests do.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { dialects } from './harness/databases.js';
import { eventually } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(DIALECTS)('API.md §8 the demo eID (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;

  beforeAll(async () => {
    stack = await startStack(dialect);
    shop = at(await stack.customer({ name: 'Demo Shop' }), stack.url);
  });
  afterAll(() => stack?.stop());

  async function open(body: Record<string, unknown> = {}): Promise<{ s: any; page: Page }> {
    const s = await shop.api.create({ method: 'demo', ...body });
    const page = await (await browser.newContext()).newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('button', { name: 'Approve', exact: true }).waitFor({ state: 'visible', timeout: 10_000 });
    return { s, page };
  }

  const finalRead = (id: string) =>
    eventually(async () => {
      const r = await shop.api.read(id);
      return ['complete', 'failed', 'cancelled', 'expired'].includes(r.status) ? r : null;
    }, 10_000);

  it('lists test people with the first one preselected; Approve completes as that person with no other step', async () => {
    const { s, page } = await open();
    const people = page.getByRole('radio');
    expect(await people.count()).toBeGreaterThanOrEqual(2);
    expect(await people.first().isChecked()).toBe(true);
    for (let i = 1; i < (await people.count()); i++) expect(await people.nth(i).isChecked()).toBe(false);
    const firstLabel = (await people.first().locator('xpath=..').innerText()).trim();
    await expect(page.getByRole('button', { name: 'Cancel', exact: true }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const r = await finalRead(s.id);
    expect(r.status).toBe('complete');
    expect(firstLabel).toContain(r.result.identity.full_name);
    await page.context().close();
  });

  it('the chosen person is the one who completes', async () => {
    const { s, page } = await open();
    const second = page.getByRole('radio').nth(1);
    const label = (await second.locator('xpath=..').innerText()).trim();
    await second.check();
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const r = await finalRead(s.id);
    expect(r.status).toBe('complete');
    expect(label).toContain(r.result.identity.full_name);
    await page.context().close();
  });

  it('Cancel ends the session failed with user_cancelled', async () => {
    const { s, page } = await open();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const r = await finalRead(s.id);
    expect(r).toMatchObject({ status: 'failed', error: { code: 'user_cancelled' }, result: null });
    await page.context().close();
  });

  it('sign works the same way: Approve completes the demo signing', async () => {
    const { s, page } = await open({ operation: 'sign', sign: { text: 'I accept the demo terms', format: 'plaintext' } });
    expect(await page.getByText('I accept the demo terms').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    expect((await finalRead(s.id)).status).toBe('complete');
    await page.context().close();
  });
});
