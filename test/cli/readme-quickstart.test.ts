// Runs README.md's curl block, as written, against a fresh `idbridge dev` (only the ports change,
// so the test can run beside anything already on 3000/3001).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

function freePorts(n: number): Promise<number> {
  // n consecutive free ports starting at a random one (dev uses port and port + 1)
  return new Promise((resolve, reject) => {
    const tryFrom = (p: number, tries: number) => {
      const servers = Array.from({ length: n }, () => createServer());
      let ok = 0;
      let failed = false;
      servers.forEach((s, i) => {
        s.once('error', () => { failed = true; done(); });
        s.listen(p + i, '127.0.0.1', () => { ok++; done(); });
      });
      let settled = 0;
      function done() {
        if (++settled < n) return;
        Promise.all(servers.map((s) => new Promise((r) => (s.listening ? s.close(r) : r(null))))).then(() => {
          if (!failed && ok === n) resolve(p);
          else if (tries > 0) tryFrom(20000 + Math.floor(Math.random() * 20000), tries - 1);
          else reject(new Error('no free ports'));
        });
      }
    };
    tryFrom(20000 + Math.floor(Math.random() * 20000), 20);
  });
}

describe('README quickstart', () => {
  let dev: ChildProcess;
  let dir: string;
  let port: number;
  let key: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idbridge-readme-'));
    port = await freePorts(2);
    dev = spawn(process.execPath, [BIN, 'dev', '--port', String(port), '--bankid-port', String(port + 2)], { cwd: dir, env: { ...process.env, IDBRIDGE_LOG_LEVEL: 'warn' } });
    let out = '';
    key = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev did not start:\n${out}`)), 45_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /demo API key:\s+(\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      dev.stdout?.on('data', onData);
      dev.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
      dev.once('exit', (code) => reject(new Error(`dev exited ${code}:\n${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill('SIGTERM');
      await new Promise((r) => dev.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('works as written', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- quickstart:begin -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeTruthy();
    // The KEY line runs as written: it must read the key dev printed from the file dev wrote.
    expect(block).toMatch(/^KEY=\$\(.*idbridge\.db\.dev\.json\)/m);
    const script = `${block!}\necho "KEY_USED=$KEY"\n`
      .replaceAll('localhost:3000', `localhost:${port}`)
      .replaceAll('localhost:3001', `localhost:${port + 1}`);
    const out = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    const lines = out.trim().split('\n');
    expect(lines[lines.length - 1]).toBe(`KEY_USED=${key}`);
    const action = JSON.parse(lines[lines.length - 3]);
    const read = JSON.parse(lines[lines.length - 2]);
    expect(action.finish.url).toMatch(new RegExp(`^http://localhost:${port + 1}/return\\?id=ses_[^&]+&status=complete&relay_state=order-1$`));
    expect(read).toMatchObject({ status: 'complete', relay_state: 'order-1' });
    expect(read.result.identity).toMatchObject({ provider: 'demo', full_name: 'Astrid Lindqvist' });
    // the target the browser lands on is served by the demo merchant and shows the result
    const landing = await (await fetch(action.finish.url)).text();
    expect(landing).toContain('Astrid Lindqvist');
  });
});
