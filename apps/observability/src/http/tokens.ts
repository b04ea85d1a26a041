import { TenantId, describeZodError } from '@agentos/contracts';
import { TokenTable, newAccessToken, tokensFileSchema } from '@agentos/identity';
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

const TokensFile = tokensFileSchema(TokenEntry);
export type TokensFile = z.infer<typeof TokensFile>;

/** The operator's tokens, held only as hashes (the model the gateway shares, libs/identity access-tokens). */
export const loadTokens = (path: string): TokenTable<Principal> => TokenTable.load<Principal>(path, TokensFile, 'observability');

/** A new random token and the entry of the tokens file that admits it. */
export function newToken(principal: Principal): { token: string; entry: TokensFile['tokens'][number] } {
  const { token, sha256 } = newAccessToken();
  const entry = TokenEntry.safeParse({ sha256, ...principal });
  if (!entry.success) throw new Error(describeZodError(entry.error));
  return { token, entry: entry.data };
}
