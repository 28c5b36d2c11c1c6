// API.md §1 "Processes and commands", IDBRIDGE_SECRET_KEY: "32 random bytes as 64 hex digits, or a
// list `id1:hex,id2:hex` where the first encrypts and all decrypt, for rotation".
// A broker started on the single-key form can be rotated with README.md's recipe
// (`new:HEX,old:HEX`) or the plain list (`NEWHEX,OLDHEX`): rows sealed before stay readable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { Api } from './harness/http.js';
import { newSecretKey } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';

describe.each(DIALECTS)('API.md §1 IDBRIDGE_SECRET_KEY rotation from the single-key form (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let sealed: string;

  beforeAll(async () => {
    stack = await startStack(dialect); // IDBRIDGE_SECRET_KEY = 64 hex digits, no id
    shop = at(await stack.customer({ name: 'Rotation', targets: [TARGET] }), stack.url);
    const s = await shop.api.create({ method: 'demo', target: TARGET });
    await new PageClient(s.redirect_url).completeDemo(0);
    sealed = s.id;
  });
  afterAll(() => stack?.stop());

  it('README recipe `new:HEX,old:HEX`: the old rows stay readable', async () => {
    const next = await stack.startServe({ IDBRIDGE_ENABLE_DEMO: '1' }, `new:${newSecretKey()},old:${stack.secretKey}`);
    stack.extra.push(next);
    const read = await new Api(next.url, shop.api_key).get(`/v1/sessions/${sealed}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body.result.identity.full_name).toEqual(expect.any(String));
  });

  it('plain list `NEWHEX,OLDHEX` (first encrypts, all decrypt): the old rows stay readable', async () => {
    const next = await stack.startServe({ IDBRIDGE_ENABLE_DEMO: '1' }, `${newSecretKey()},${stack.secretKey}`);
    stack.extra.push(next);
    const read = await new Api(next.url, shop.api_key).get(`/v1/sessions/${sealed}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body.result.identity.full_name).toEqual(expect.any(String));
  });
});
