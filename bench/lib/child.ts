// The runner's side of a host process: fork with tsx (and --expose-gc), wait for `ready`, call
// commands over IPC, and always kill it at the end.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Host<R = Record<string, any>> {
  info: R;
  pid: number;
  call<T = any>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export const PROFILE_DIR = fileURLToPath(new URL('../profiles/', import.meta.url));
let profileHosts = false;
export function setProfiling(on: boolean): void {
  profileHosts = on;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export async function startHost<R = Record<string, any>>(file: string, args: unknown, opts: { timeoutMs?: number; name?: string; env?: Record<string, string> } = {}): Promise<Host<R>> {
  const path = fileURLToPath(new URL(`../hosts/${file}`, import.meta.url));
  const execArgv = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096'];
  if (profileHosts) {
    // One directory per host: --cpu-prof writes a profile per thread (tsx's loader thread too).
    const dir = `${PROFILE_DIR}${opts.name ?? file.replace(/\.ts$/, '')}-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = fork(path, [], {
    execArgv,
    env: { ...process.env, ...opts.env, BENCH_ARGS: JSON.stringify(args) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(child);
  let stderr = '';
  const keep = (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let seq = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    live.delete(child);
    for (const p of pending.values()) p.reject(new Error(`${file} exited: ${stderr.slice(-1500)}`));
    pending.clear();
    resolve();
  }));
  const info = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready in time: ${stderr.slice(-1500)}`)), opts.timeoutMs ?? 60_000);
    child.on('message', (msg: any) => {
      if (msg.ready) {
        clearTimeout(timer);
        resolve(msg as R);
      } else if (msg.failed) {
        clearTimeout(timer);
        reject(new Error(`${file} failed to start: ${msg.failed}`));
      } else if (typeof msg.id === 'number') {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(`${file}: ${msg.error}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code}) before ready: ${stderr.slice(-1500)}`));
    });
  });
  return {
    info,
    pid: child.pid ?? -1,
    call(cmd, callArgs, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const id = ++seq;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${file} ${cmd}: no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, cmd, args: callArgs });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const closing = new Promise<void>((resolve) => {
        const id = ++seq;
        const timer = setTimeout(resolve, 10_000);
        pending.set(id, { resolve: () => resolve(), reject: () => resolve(), timer });
        child.send({ id, cmd: 'close' });
      });
      await closing;
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(hard);
    },
  };
}
