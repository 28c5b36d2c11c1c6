// Personal data at rest: AES-256-GCM, bound to its row, readable across key rotation (API.md §1).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../../src/storage/sealing.js';

const k1 = randomBytes(32).toString('hex');
const k2 = randomBytes(32).toString('hex');

describe('sealing', () => {
  it('round-trips and hides the plaintext', () => {
    const s = createSealer(k1);
    const sealed = s.seal({ personal_number: '199001012385' }, 'row-1');
    expect(sealed).not.toContain('199001012385');
    expect(s.open(sealed, 'row-1')).toEqual({ personal_number: '199001012385' });
  });

  it('refuses another row, a changed byte, and a missing key', () => {
    const s = createSealer(k1);
    const sealed = s.seal({ a: 1 }, 'row-1');
    expect(() => s.open(sealed, 'row-2')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    expect(() => s.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'row-1')).toThrow();
    expect(() => createSealer(k2).open(sealed, 'row-1')).toThrow();
  });

  it.each([
    ['a plain key, then a list with it second', k1, `${k2},${k1}`],
    ['a plain key, then the README recipe new:HEX,old:HEX', k1, `new:${k2},old:${k1}`],
    ['named keys, then renamed', `a:${k1}`, `b:${k2},c:${k1}`],
  ])('rotates from %s', (_name, before, after) => {
    const sealed = createSealer(before).seal({ v: 1 }, 'row');
    const rotated = createSealer(after);
    expect(rotated.open(sealed, 'row')).toEqual({ v: 1 });
    // new data is sealed with the first key: readable without the old one
    const fresh = rotated.seal({ v: 2 }, 'row');
    expect(createSealer(k2).open(fresh, 'row')).toEqual({ v: 2 });
  });
});
