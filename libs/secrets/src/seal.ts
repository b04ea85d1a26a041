import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from './secrets-file-format';

const ALGORITHM = 'aes-256-gcm';
/** 96-bit IVs are GCM's native size; random ones are safe for far more secrets than a file holds. */
const IV_BYTES = 12;
/** Full-length tags only: Node would otherwise accept a truncated tag, which is easier to forge. */
const TAG_BYTES = 16;

/**
 * The name is additional authenticated data: a ciphertext only opens under the name it was sealed
 * for, so swapping or renaming entries in the file is detected. The version keeps a future format
 * from accepting entries sealed for this one.
 */
const aad = (name: string): Buffer => Buffer.from(`agentos-secrets/v1:${name}`, 'utf8');

export function seal(key: Buffer, name: string, value: string): SealedSecret {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(name));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** The plaintext, or undefined when authentication fails (wrong key, tampering, wrong name). */
export function open(key: Buffer, name: string, sealed: SealedSecret): string | undefined {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(name));
    decipher.setAuthTag(tag);
    // final() throws on a bad tag; nothing decrypted is returned before it has verified.
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return plain.toString('utf8');
  } catch {
    return undefined;
  }
}
