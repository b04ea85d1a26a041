import { describeZodError } from '@agentos/contracts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Bearer tokens for the HTTP faces (the observability dashboard, the gateway): an operator-kept JSON file maps
 * the sha256 of each token to the principal it speaks for. Only hashes are stored; a token is shown once.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** A fresh random token (256 bits, base64url) and its hash for the tokens file. */
export function newAccessToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: hashToken(token) };
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export const bearerToken = (authorization: string | undefined): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];

/**
 * The schema of a tokens file, `{ "tokens": [ <entry>, … ] }`, each name at most once: the name is who did what in
 * logs and recorded reasons, so two tokens of one name would make that record ambiguous.
 */
export function tokensFileSchema<E extends z.ZodType<{ sha256: string; name: string }>>(entry: E) {
  return z
    .object({ tokens: z.array(entry) })
    .strict()
    .superRefine(({ tokens }, ctx) => {
      const seen = new Set<string>();
      tokens.forEach(({ name }, index) => {
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['tokens', index, 'name'], message: `"${name}" is used by an earlier token` });
        seen.add(name);
      });
    });
}

/** Principals by token hash, looked up in constant time. */
export class TokenTable<P> {
  private readonly entries: { hash: Buffer; principal: P }[];

  constructor(entries: readonly ({ sha256: string } & P)[]) {
    this.entries = entries.map(({ sha256, ...principal }) => ({ hash: Buffer.from(sha256, 'hex'), principal: principal as unknown as P }));
  }

  /** Reads and validates a tokens file; the error names the file and the field. */
  static load<P>(path: string, schema: z.ZodType<{ tokens: ({ sha256: string } & P)[] }>, what: string): TokenTable<P> {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`${what} tokens file ${path}: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${what} tokens file ${path}: ${describeZodError(parsed.error)}`);
    return new TokenTable<P>(parsed.data.tokens);
  }

  /** Compares against every entry in constant time, without stopping at a match. */
  find(token: string): P | undefined {
    const presented = Buffer.from(hashToken(token), 'hex');
    let found: P | undefined;
    for (const entry of this.entries) if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    return found;
  }

  get principals(): P[] {
    return this.entries.map((e) => e.principal);
  }
}
