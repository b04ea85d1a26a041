import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * One Ed25519 signature per append, over the hash of the append's last event: the hash chain already covers
 * every earlier event and its content, so signing the hash (not the re-serialised events) is all it takes,
 * at one signature per commit however many events it holds.
 */
export interface CommitSignature {
  /** Which published key signed (see SigningKeyRecord). */
  keyId: string;
  /** When the writer signed (ISO 8601): checked against the key's validity period. */
  signedAt: string;
  /** Base64 Ed25519 signature over signedBytes(). */
  sig: string;
}

/** The stream and revision are signed too, so a signed commit cannot be moved to another stream or place. */
export const signedBytes = (stream: string, revision: number, hash: string, signedAt: string): Buffer =>
  Buffer.from(`agentos-commit/v1\n${stream}\n${revision}\n${hash}\n${signedAt}`, 'utf8');

/** A key's id: the first 128 bits of the SHA-256 of its public key (SPKI DER), hex. */
export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 32);

/** A service's signing key: the private half from the secrets store, its id derived from the public half. */
export class EventSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject, private readonly now: () => Date = () => new Date()) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`a signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  /** From the secret's text: base64 of the PKCS#8 DER private key (what generateSigningKey makes). */
  static fromSecret(secret: string): EventSigner {
    return new EventSigner(createPrivateKey({ key: Buffer.from(secret.trim(), 'base64'), format: 'der', type: 'pkcs8' }));
  }

  sign(stream: string, revision: number, hash: string): CommitSignature {
    const signedAt = this.now().toISOString();
    return { keyId: this.keyId, signedAt, sig: sign(null, signedBytes(stream, revision, hash, signedAt), this.privateKey).toString('base64') };
  }
}

/** A new key pair: the private key as the secret's text, the public key as base64 SPKI DER (what a key record publishes). */
export function generateSigningKey(): { secret: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    secret: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    keyId: keyIdOf(publicKey),
  };
}

export const verifyCommitSignature = (publicKey: KeyObject, stream: string, revision: number, hash: string, signature: CommitSignature): boolean =>
  verify(null, signedBytes(stream, revision, hash, signature.signedAt), publicKey, Buffer.from(signature.sig, 'base64'));

/** The secret that holds a service's private signing key (one key per service): `SIGNING_KEY_<SERVICE>`. */
export const signingKeySecretName = (service: string): string => `SIGNING_KEY_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
