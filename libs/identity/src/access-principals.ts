import { SYSTEM_TENANT, TenantId } from '@agentos/contracts';
import { z } from 'zod';
import { TokenTable, newAccessToken, tokensFileSchema } from './access-tokens';
import { USER_ROLES, type UserRole } from './nats-permissions';

/**
 * Who a bearer token of an HTTP face (the gateway, the observability dashboard) speaks for: a person's NATS principal
 * (userPrincipal: `agentos principals add --tenant <tenant> --role <role> --name <name>`), with the creds file that
 * principal was issued. What the token sends goes out on a connection opened with those creds, so the broker holds it
 * to what that principal may do. The platform's principals (tenant `system`) see and act for every tenant.
 */
export interface AccessPrincipal {
  name: string;
  tenant: string;
  role: UserRole;
  /** The principal's NATS creds; required where the face connects with creds (NATS with auth) and the token sends. */
  creds?: string;
}

/** The dashboard's first tokens files said `*` for every tenant and `viewer` for a token that only looks: read as the platform and an auditor. */
const LEGACY_TENANT_ALL = '*';
const LEGACY_ROLE_VIEWER = 'viewer';

export const AccessTokenEntry = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of the token, 64 lower-case hex digits'),
    // The actor id of what the token does (`user:<name>` on the bus): one subject token, as user names are.
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a lower-case user name (a-z, 0-9, _ or -), at most 63 characters'),
    tenant: z.preprocess((tenant) => (tenant === LEGACY_TENANT_ALL ? SYSTEM_TENANT : tenant), TenantId),
    role: z.preprocess((role) => (role === LEGACY_ROLE_VIEWER ? 'auditor' : role), z.enum(USER_ROLES)),
    creds: z.string().min(1).optional(),
  })
  .strict();
export type AccessTokenEntry = z.output<typeof AccessTokenEntry>;

const AccessTokensFile = tokensFileSchema(AccessTokenEntry);

/**
 * How a face checks its tokens' creds: which principals must name creds (where it connects to NATS with creds, those
 * whose tokens send something), and how a creds file's user JWT is read (`credsClaims` of libs/messaging).
 */
export interface CredsCheck {
  needed: (principal: AccessPrincipal) => boolean;
  claimsOf: (creds: string) => { name: string; tags: string[] };
}

/**
 * Loads a tokens file of the shared model. A token whose principal `needed` creds must name them, and any creds named
 * must be that principal's: the JWT's name, tenant and role tags agree with the entry. A mismatch stops the face at
 * start, naming the entry.
 */
export function loadAccessTokens(path: string, what: string, check: CredsCheck): TokenTable<AccessPrincipal> {
  const table = TokenTable.load<AccessPrincipal>(path, AccessTokensFile, what);
  table.principals.forEach((principal, index) => {
    const problem = credsProblem(principal, what, check);
    if (problem) throw new Error(`${what} tokens file ${path}: tokens.${index}.creds: ${problem}`);
  });
  return table;
}

function credsProblem(principal: AccessPrincipal, what: string, check: CredsCheck): string | undefined {
  if (!principal.creds) return check.needed(principal) ? `the ${what} connects to NATS with creds, so ${principal.name} needs its own creds file (agentos principals add --out)` : undefined;
  const { name, tags } = check.claimsOf(principal.creds);
  const expected = [`tenant:${principal.tenant}`, `role:${principal.role}`, 'kind:user'];
  if (name !== principal.name) return `${principal.creds} belongs to user "${name}", not "${principal.name}"`;
  const missing = expected.filter((tag) => !tags.includes(tag));
  return missing.length > 0 ? `${principal.creds} lacks ${missing.join(', ')} (it has ${tags.join(', ') || 'no tags'})` : undefined;
}

/** A new token and the entry of the tokens file that admits it. */
export function newAccessTokenEntry(principal: AccessPrincipal): { token: string; entry: AccessTokenEntry } {
  const { token, sha256 } = newAccessToken();
  return { token, entry: AccessTokenEntry.parse({ sha256, ...principal }) };
}

/** The platform's principals see every tenant; everyone else only their own. */
export const seesTenant = (principal: AccessPrincipal, tenant: string): boolean => principal.tenant === SYSTEM_TENANT || principal.tenant === tenant;

/**
 * Why a principal may not throw (or release) a kill switch, or undefined when it may: only operators stop work, and
 * an operator of one tenant only that tenant, never everything (the dashboard and the gateway apply the same rule).
 */
export function killSwitchRefusal(principal: AccessPrincipal, scope: string, target: string): string | undefined {
  if (principal.role !== 'operator') return `${principal.name} is ${/^[aeiou]/.test(principal.role) ? 'an' : 'a'} ${principal.role}: only an operator may throw or release a kill switch`;
  if (principal.tenant === SYSTEM_TENANT || (scope === 'tenant' && target === principal.tenant)) return undefined;
  return `${principal.name} may only throw or release a tenant kill switch for tenant ${principal.tenant}`;
}
