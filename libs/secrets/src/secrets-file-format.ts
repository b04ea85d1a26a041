import { z } from 'zod';
import { SECRET_NAME } from './secret-store';

/**
 * On-disk shape of an encrypted secrets file. Names stay in clear text (listing needs no key and
 * diffs stay readable); each value is sealed separately so one edit does not rewrite the others.
 */
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const SealedSecret = z.strictObject({ iv: Base64, tag: Base64, data: Base64 });
export type SealedSecret = z.output<typeof SealedSecret>;

export const SecretsFile = z.strictObject({
  version: z.literal(1),
  secrets: z.record(z.string().regex(SECRET_NAME), SealedSecret),
});
export type SecretsFile = z.output<typeof SecretsFile>;
