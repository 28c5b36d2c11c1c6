// The machine a run was made on, for the report.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Machine { cores: number; cpu_model: string; memory_gib: number; node: string; platform: string }

export function machine(): Machine {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    /* not Linux */
  }
  return { cores: cpus().length, cpu_model: model, memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${process.platform} ${process.arch}` };
}
