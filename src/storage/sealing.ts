// AES-256-GCM for personal data at rest. Sealed text: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url),
// with the row's id as additional authenticated data, so a sealed blob cannot be moved to another row.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface Sealer {
  seal(plain: unknown, aad: string): string;
  open<T>(sealed: string, aad: string): T;
}

export class SealingError extends Error {}

/** `hex` or `id1:hex,id2:hex` (API.md §1): the first key encrypts, every key decrypts. */
export function parseSecretKeys(spec: string): { id: string; key: Buffer }[] {
  return spec.split(',').map((part) => {
    const [named, hex] = part.includes(':') ? part.split(':') : [null, part];
    const key = Buffer.from(hex, 'hex');
    if (key.length !== 32) throw new SealingError('IDBRIDGE_SECRET_KEY: each key must be 64 hex digits');
    // An unnamed key is known by a fingerprint of itself, so it keeps its id wherever it stands.
    return { id: named ?? `f${createHash('sha256').update(key).digest('hex').slice(0, 8)}`, key };
  });
}

export function createSealer(spec: string): Sealer {
  const keys = parseSecretKeys(spec);
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0];
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open<T>(sealed: string, aad: string): T {
      const [version, id, ivText, bodyText] = sealed.split('.');
      if (version !== 'v1') throw new SealingError('unknown sealing format');
      // The named key first; then every key, since an operator may have renamed a key when
      // rotating (GCM's tag tells the right key from a wrong one).
      const named = byId.get(id);
      for (const key of named ? [named, ...keys.map((k) => k.key).filter((k) => k !== named)] : keys.map((k) => k.key)) {
        const plain = tryOpen(key, ivText, bodyText, aad);
        if (plain !== null) return JSON.parse(plain) as T;
      }
      throw new SealingError(`no key opens this sealed data (key id ${id})`);
    },
  };
}

function tryOpen(key: Buffer, ivText: string, bodyText: string, aad: string): string | null {
  try {
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
