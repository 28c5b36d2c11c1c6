// `idbridge serve` as a child process, so that a test can kill it with SIGKILL (no shutdown code
// runs) and start it again over the same database.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: the process gets no chance to finish anything. */
  kill(): Promise<void>;
}

export async function startBrokerProcess(env: Record<string, string>, port: number): Promise<BrokerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/idbridge.js', 'serve'], {
    cwd: ROOT,
    // A clean environment: only what the broker needs, nothing inherited from the test runner.
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
      IDBRIDGE_PORT: String(port), IDBRIDGE_HOST: '127.0.0.1', IDBRIDGE_PUBLIC_URL: url,
      IDBRIDGE_ENABLE_DEMO: '1', IDBRIDGE_LOG_LEVEL: 'warn', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broker exited ${child.exitCode}: ${log}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`broker did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => log,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
