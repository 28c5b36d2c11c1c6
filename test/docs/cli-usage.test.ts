// `idbridge`'s usage text names every command and every flag its parsers accept: the option
// tables are the parsers' own (parseArgs `options`), so a new flag fails here until it is documented.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_OPTIONS } from '../../src/cli/bankid-simulator.js';
import { CUSTOMERS_OPTIONS } from '../../src/cli/customers.js';
import { DEV_OPTIONS } from '../../src/cli/dev.js';
import { USAGE } from '../../src/cli/main.js';
import { SERVE_OPTIONS } from '../../src/cli/serve.js';

const BIN = fileURLToPath(new URL('../../bin/idbridge.js', import.meta.url));

/** The usage lines of one command: its own lines and their indented continuations. */
function linesOf(command: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of USAGE.split('\n')) {
    if (/^ {2}\S/.test(line)) inside = line.startsWith(`  ${command} `) || line === `  ${command}`;
    else if (!/^ {3,}\S/.test(line)) inside = false;
    if (inside) out.push(line);
  }
  return out.join('\n');
}

const TABLES: [string, Record<string, unknown>][] = [
  ['dev', DEV_OPTIONS],
  ['serve', SERVE_OPTIONS],
  ['customers', CUSTOMERS_OPTIONS],
  ['bankid-simulator', SIMULATOR_OPTIONS],
];

describe('idbridge usage text', () => {
  it.each(TABLES)('names every flag `%s` accepts', (command, options) => {
    const text = linesOf(command);
    expect(text, command).not.toBe('');
    for (const flag of Object.keys(options)) expect(text, `${command} --${flag}`).toMatch(new RegExp(`--${flag}\\b`));
  });

  it('names every command, the negation of --allow-private-webhooks, and the keys commands', () => {
    for (const c of ['dev', 'serve', 'migrate', 'customers add', 'customers list', 'customers update', 'keys create', 'keys revoke', 'bankid-simulator']) expect(USAGE).toContain(`  ${c}`);
    expect(linesOf('customers')).toContain('--no-allow-private-webhooks');
    expect(linesOf('customers')).toContain('--retention-hours H');
    expect(USAGE).toContain('docs/customers.md');
  });

  it('`idbridge --help` prints it and exits 0; an unknown command prints it to stderr and exits 2', () => {
    expect(execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' })).toBe(`${USAGE}\n`);
    const bad = spawnSync(process.execPath, [BIN, 'nonsense'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(USAGE);
  });
});
