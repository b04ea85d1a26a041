import { SYSTEM_TENANT, TenantId } from '@agentos/contracts';
import { TokenTable, USER_ROLES, newAccessToken, tokensFileSchema, type UserRole } from '@agentos/identity';
import { credsClaims } from '@agentos/messaging';
import { z } from 'zod';

/**
 * Who a gateway token acts as: a person's NATS principal (libs/identity userPrincipal: `agentos principals add
 * --tenant <tenant> --role <role> --name <name>`), with the creds file that principal was issued. The gateway sends
 * that principal's commands and queries on a connection opened with those creds, so the broker holds each request
 * to what the principal itself may do (see PrincipalBus).
 */
export interface GatewayPrincipal {
  name: string;
  tenant: string;
  role: UserRole;
  /** The principal's NATS creds; required when the gateway itself connects with creds (NATS with auth). */
  creds?: string;
}

const TokenEntry = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of the token, 64 lower-case hex digits'),
    // The actor id of what the token does (`user-<name>` on the bus): one subject token, as user names are.
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lower-case user name (a-z, 0-9, _ or -), at most 63 characters'),
    tenant: TenantId,
    role: z.enum(USER_ROLES),
    creds: z.string().min(1).optional(),
  })
  .strict();

const TokensFile = tokensFileSchema(TokenEntry);
export type GatewayTokensFile = z.infer<typeof TokensFile>;

/**
 * Loads AGENTOS_GATEWAY_TOKENS_FILE. With `needCreds` (the gateway connects to NATS with creds, so NATS checks
 * identities) every token must name its principal's creds, and those creds must be that principal's: the JWT's
 * name, tenant and role tags agree with the entry. A mismatch stops the gateway at start, naming the entry.
 */
export function loadGatewayTokens(path: string, needCreds: boolean): TokenTable<GatewayPrincipal> {
  const table = TokenTable.load<GatewayPrincipal>(path, TokensFile, 'gateway');
  table.principals.forEach((principal, index) => {
    const problem = credsProblem(principal, needCreds);
    if (problem) throw new Error(`gateway tokens file ${path}: tokens.${index}.creds: ${problem}`);
  });
  return table;
}

function credsProblem(principal: GatewayPrincipal, needCreds: boolean): string | undefined {
  if (!principal.creds) return needCreds ? `the gateway connects to NATS with creds, so ${principal.name} needs its own creds file (agentos principals add --out)` : undefined;
  const { name, tags } = credsClaims(principal.creds);
  const expected = [`tenant:${principal.tenant}`, `role:${principal.role}`, 'kind:user'];
  if (name !== principal.name) return `${principal.creds} belongs to user "${name}", not "${principal.name}"`;
  const missing = expected.filter((tag) => !tags.includes(tag));
  return missing.length > 0 ? `${principal.creds} lacks ${missing.join(', ')} (it has ${tags.join(', ') || 'no tags'})` : undefined;
}

/** A new token and the entry of the tokens file that admits it. */
export function newGatewayToken(principal: GatewayPrincipal): { token: string; entry: GatewayTokensFile['tokens'][number] } {
  const { token, sha256 } = newAccessToken();
  return { token, entry: TokenEntry.parse({ sha256, ...principal }) };
}

/** The platform's principals act for every tenant; everyone else only for their own. */
export const seesTenant = (principal: GatewayPrincipal, tenant: string): boolean => principal.tenant === SYSTEM_TENANT || principal.tenant === tenant;
