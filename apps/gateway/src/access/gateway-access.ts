import { SYSTEM_TENANT } from '@agentos/contracts';
import { bearerToken, type TokenTable, type UserRole } from '@agentos/identity';
import type { Request } from '../http/express';
import { Problem } from '../http/problem';
import { loadGatewayTokens, type GatewayPrincipal } from './gateway-tokens';

const UNCONFIGURED =
  'no access tokens are configured: set AGENTOS_GATEWAY_TOKENS_FILE to a JSON file of token hashes ' +
  '(make one with `node -r @swc-node/register scripts/access-token.ts <name> <tenant> <role> [creds]`), ' +
  'or AGENTOS_INSECURE=1 to leave the gateway open on a trusted machine';

/** On an open gateway (AGENTOS_INSECURE=1, development only) every request is the platform's operator. */
const ANONYMOUS: GatewayPrincipal = { name: 'anonymous', tenant: SYSTEM_TENANT, role: 'operator' };

export const EVERY_ROLE: readonly UserRole[] = ['submitter', 'approver', 'operator', 'auditor'];

/**
 * Who is asking, from `Authorization: Bearer <token>`, and whether that role may use the route. The same
 * model as the dashboard's tokens (libs/identity access-tokens), with the roles of NATS principals. Without a
 * tokens file every route is refused, unless AGENTOS_INSECURE=1 opens them.
 */
export class GatewayAccess {
  private constructor(
    readonly mode: 'tokens' | 'insecure' | 'closed',
    private readonly tokens?: TokenTable<GatewayPrincipal>,
  ) {}

  static from(settings: { AGENTOS_GATEWAY_TOKENS_FILE?: string; AGENTOS_INSECURE: boolean; NATS_CREDS?: string }): GatewayAccess {
    const file = settings.AGENTOS_GATEWAY_TOKENS_FILE;
    if (file) return new GatewayAccess('tokens', loadGatewayTokens(file, settings.NATS_CREDS !== undefined));
    return new GatewayAccess(settings.AGENTOS_INSECURE ? 'insecure' : 'closed');
  }

  /** The request's principal, or a 401 (no or unknown token) or 403 (a role the route does not admit). */
  admit(request: Request, roles: readonly UserRole[]): GatewayPrincipal {
    const principal = this.principalOf(request);
    if (!roles.includes(principal.role)) {
      throw new Problem(403, 'Forbidden', `${principal.name} is ${principal.role === 'auditor' || principal.role === 'approver' ? 'an' : 'a'} ${principal.role}: this needs ${roles.join(' or ')}`);
    }
    return principal;
  }

  /**
   * A platform operator (tenant `system`): for what is not any one tenant's, the policy bundle in force and the
   * supervisor's agent processes. A tenant's operator may send those commands on NATS too; the gateway does not.
   */
  admitPlatformOperator(request: Request): GatewayPrincipal {
    const principal = this.admit(request, ['operator']);
    if (principal.tenant !== SYSTEM_TENANT) throw new Problem(403, 'Forbidden', `${principal.name} operates tenant ${principal.tenant}: this acts on the whole platform`);
    return principal;
  }

  private principalOf(request: Request): GatewayPrincipal {
    if (this.mode === 'insecure') return ANONYMOUS;
    if (!this.tokens) throw new Problem(401, 'Unauthorized', UNCONFIGURED);
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new Problem(401, 'Unauthorized', 'an access token is required: Authorization: Bearer <token>');
    const principal = this.tokens.find(token);
    if (!principal) throw new Problem(401, 'Unauthorized', 'unknown access token');
    return principal;
  }
}
