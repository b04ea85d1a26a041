import { TenantId, describeZodError } from '@agentos/contracts';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Who a token speaks for: its name (recorded as the actor of what it does), its tenant (or `*`: all) and its role. */
export interface Principal {
  name: string;
  tenant: string;
  role: 'viewer' | 'operator';
}

export const ALL_TENANTS = '*';

const TokenEntry = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of the token, 64 lower-case hex digits'),
    // The name is shown in kill-switch reasons and logs: held to the same slug as tenants.
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case slug (a-z, 0-9, -), at most 63 characters'),
    tenant: z.union([z.literal(ALL_TENANTS), TenantId]),
    role: z.enum(['viewer', 'operator']),
  })
  .strict();

const TokensFile = z
  .object({ tokens: z.array(TokenEntry) })
  .strict()
  .superRefine(({ tokens }, ctx) => {
    // A repeated name would make the record of who threw a kill switch ambiguous.
    const seen = new Set<string>();
    tokens.forEach(({ name }, index) => {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['tokens', index, 'name'], message: `"${name}" is used by an earlier token` });
      seen.add(name);
    });
  });
export type TokensFile = z.infer<typeof TokensFile>;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The operator's tokens, held only as hashes. */
export class TokenTable {
  private readonly entries: { hash: Buffer; principal: Principal }[];

  constructor(file: TokensFile) {
    this.entries = file.tokens.map(({ sha256, ...principal }) => ({ hash: Buffer.from(sha256, 'hex'), principal }));
  }

  /** Reads and validates AGENTOS_OBSERVABILITY_TOKENS_FILE; the error names the file and the field. */
  static load(path: string): TokenTable {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`observability tokens file ${path}: ${(error as Error).message}`);
    }
    const parsed = TokensFile.safeParse(raw);
    if (!parsed.success) throw new Error(`observability tokens file ${path}: ${describeZodError(parsed.error)}`);
    return new TokenTable(parsed.data);
  }

  /** Compares against every entry in constant time, without stopping at a match. */
  find(token: string): Principal | undefined {
    const presented = Buffer.from(hashToken(token), 'hex');
    let found: Principal | undefined;
    for (const entry of this.entries) if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    return found;
  }
}

/** A new random token and the entry of the tokens file that admits it. */
export function newToken(principal: Principal): { token: string; entry: TokensFile['tokens'][number] } {
  const token = randomBytes(32).toString('base64url');
  const entry = TokenEntry.safeParse({ sha256: hashToken(token), ...principal });
  if (!entry.success) throw new Error(describeZodError(entry.error));
  return { token, entry: entry.data };
}
