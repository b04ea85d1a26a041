import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { CommitSignature } from './commit-signature';
import { keyIdOf } from './commit-signature';

/** A published public key: who holds the private half and when it may sign. Written only by the admin (`agentos keys`). */
export const SigningKeyRecord = z.strictObject({
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  service: z.string().min(1),
  /** Base64 SPKI DER of the Ed25519 public key. */
  publicKey: z.string().min(1),
  validFrom: z.iso.datetime(),
  /** Set when the key is rotated out (or revoked): signatures made after it do not count. */
  validUntil: z.iso.datetime().optional(),
});
export type SigningKeyRecord = z.infer<typeof SigningKeyRecord>;

interface KnownKey {
  record: SigningKeyRecord;
  publicKey: KeyObject;
}

/** Why a signature's key does not vouch for a commit, or undefined when it does. */
export type KeyProblem = string | undefined;

/** The published keys, each parsed once (verification looks keys up per commit). */
export class KeyRing {
  private readonly keys = new Map<string, KnownKey>();

  constructor(records: Iterable<SigningKeyRecord>) {
    for (const record of records) {
      const publicKey = createPublicKey({ key: Buffer.from(record.publicKey, 'base64'), format: 'der', type: 'spki' });
      // A record whose id is not its key's would let one key pose as another.
      if (keyIdOf(publicKey) !== record.keyId) throw new Error(`signing key record ${record.keyId}: the id is not that of its public key`);
      this.keys.set(record.keyId, { record, publicKey });
    }
  }

  get size(): number {
    return this.keys.size;
  }

  /** The key that made a signature, if it was published and valid when it signed. */
  keyFor(signature: CommitSignature): { key?: KnownKey; problem: KeyProblem } {
    const key = this.keys.get(signature.keyId);
    if (!key) return { problem: `signed by key ${signature.keyId}, which was never published` };
    const { validFrom, validUntil, service } = key.record;
    const at = Date.parse(signature.signedAt);
    if (!(at >= Date.parse(validFrom)) || (validUntil !== undefined && at > Date.parse(validUntil))) {
      return { problem: `signed at ${signature.signedAt} by key ${signature.keyId} of ${service}, valid ${validFrom} to ${validUntil ?? 'now'}` };
    }
    return { key, problem: undefined };
  }
}
