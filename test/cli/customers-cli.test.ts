// `idbridge customers …` and `idbridge keys …` as separate processes against the database of a
// running broker: changes reach it within 5 s without a restart (API.md §1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../support/broker.js';
import { runCli } from '../support/cli.js';
import { dialects, TEST_SECRET } from '../support/databases.js';

describe.each(await dialects())('customer and key commands on %s', (dialect) => {
  let b: TestBroker;
  let env: Record<string, string>;
  beforeAll(async () => {
    b = await startBroker(dialect);
    env = { IDBRIDGE_DATABASE_URL: b.db.url, IDBRIDGE_SECRET_KEY: TEST_SECRET };
  });
  afterAll(async () => b?.close());

  const createWith = (key: string, target: string) => fetch(`${b.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'demo', target }),
  });

  it('adds a customer whose key works at once on the running broker', async () => {
    const r = await runCli(['customers', 'add', '--name', 'CLI shop', '--target', 'https://cli.example/done', '--target', 'https://cli.example/err', '--frame-origin', 'https://cli.example', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ id: expect.stringMatching(/^cus_/), api_key: expect.stringMatching(/^idbk_/), webhook_endpoint: null });
    expect(r.json.api_key.startsWith(`${r.json.key_prefix}_`)).toBe(true);
    expect(Buffer.from(r.json.api_key.slice(r.json.key_prefix.length + 1), 'base64url').length).toBeGreaterThanOrEqual(16);
    const res = await createWith(r.json.api_key, 'https://cli.example/done');
    expect(res.status).toBe(201);
    const listed = await runCli(['customers', 'list', '--json'], env);
    const mine = listed.json.find((c: { id: string }) => c.id === r.json.id);
    expect(mine).toMatchObject({ name: 'CLI shop', targets: ['https://cli.example/done', 'https://cli.example/err'], frame_origins: ['https://cli.example'], retention_hours: 24 });
    expect(mine.methods).toContain('se-bankid');
    expect(JSON.stringify(listed.json)).not.toContain(r.json.api_key);
  });

  it('updates targets; the running broker follows within 5 s', async () => {
    const r = await runCli(['customers', 'add', '--name', 'Mover', '--target', 'https://old.example/done', '--json'], env);
    expect((await createWith(r.json.api_key, 'https://new.example/done')).status).toBe(400);
    const u = await runCli(['customers', 'update', r.json.id, '--target', 'https://new.example/done', '--retention-hours', '48', '--json'], env);
    expect(u.code, u.stderr).toBe(0);
    expect(u.json).toMatchObject({ targets: ['https://new.example/done'], retention_hours: 48 });
    await expect.poll(async () => (await createWith(r.json.api_key, 'https://new.example/done')).status, { timeout: 5000, interval: 250 }).toBe(201);
  });

  it('creates a second key for rotation and revokes the first: 401 within 5 s', async () => {
    const c = await runCli(['customers', 'add', '--name', 'Rotator', '--target', 'https://rot.example/done', '--json'], env);
    const k2 = await runCli(['keys', 'create', c.json.id, '--json'], env);
    expect(k2.code, k2.stderr).toBe(0);
    expect(k2.json.api_key).not.toBe(c.json.api_key);
    expect((await createWith(c.json.api_key, 'https://rot.example/done')).status).toBe(201);
    expect((await createWith(k2.json.api_key, 'https://rot.example/done')).status).toBe(201);
    const rev = await runCli(['keys', 'revoke', c.json.key_prefix], env);
    expect(rev.code, rev.stderr).toBe(0);
    await expect.poll(async () => (await createWith(c.json.api_key, 'https://rot.example/done')).status, { timeout: 5000, interval: 250 }).toBe(401);
    expect((await createWith(k2.json.api_key, 'https://rot.example/done')).status).toBe(201);
  });

  it('refuses bad arguments with a message and exit code 2, changing nothing', async () => {
    const before = await runCli(['customers', 'list', '--json'], env);
    for (const args of [
      ['customers', 'add', '--json'],
      ['customers', 'add', '--name', 'X', '--target', 'not a url', '--json'],
      ['customers', 'add', '--name', 'X', '--frame-origin', 'https://x.example/path', '--json'],
      ['customers', 'add', '--name', 'X', '--method', 'se-freja', '--json'],
      ['customers', 'update', 'cus_missing', '--name', 'Y'],
      // update registers no endpoint: refused, and the name given with it is not written either
      ['customers', 'update', before.json[0].id, '--name', 'Renamed', '--webhook-url', 'https://hooks.example/x'],
      ['keys', 'revoke', 'idbk_nothing'],
      ['keys', 'create', 'cus_missing', '--json'],
      ['customers', 'add', '--name', 'X', '--bogus'],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/idbridge \w+: /);
    }
    const after = await runCli(['customers', 'list', '--json'], env);
    expect(after.json).toEqual(before.json);
  }, 120_000);

  it('limits methods with --method', async () => {
    const r = await runCli(['customers', 'add', '--name', 'Only demo', '--method', 'demo', '--json'], env);
    const ok = await fetch(`${b.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${r.json.api_key}`, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'se-bankid' }) });
    expect((await ok.json()).code).toBe('method_not_enabled');
  });
});
