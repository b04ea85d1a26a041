import type { IncomingMessage } from 'node:http';
import { SYSTEM_TENANT } from '@agentos/contracts';
import { bearerToken, loadAccessTokens, type AccessPrincipal, type TokenTable } from '@agentos/identity';
import { credsClaims } from '@agentos/messaging';

/**
 * Who a dashboard token speaks for: the shared model of the HTTP faces (libs/identity access-principals), a person's
 * NATS principal, the same as a gateway token's. Any role may look at its tenant's data (the platform's, `system`, at
 * every tenant's); only an operator throws a kill switch, sent as that principal (see http.server.ts).
 */
export type Principal = AccessPrincipal;

export type Admission = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; error: string };

const UNCONFIGURED =
  'no access tokens are configured: set AGENTOS_OBSERVABILITY_TOKENS_FILE to a JSON file of token hashes ' +
  '(make one with `node -r @swc-node/register scripts/access-token.ts <name> <tenant> <role> [creds]`), ' +
  'or AGENTOS_INSECURE=1 to leave this server open on a trusted machine';

/** Who may act on an open server: AGENTOS_INSECURE=1 trades every check for convenience. */
const ANONYMOUS: Principal = { name: 'anonymous', tenant: SYSTEM_TENANT, role: 'operator' };

/**
 * Who is asking, from `Authorization: Bearer <token>`. Without a tokens file every protected route is
 * refused (secure by default), unless AGENTOS_INSECURE=1 opens them.
 */
export class HttpAccess {
  private constructor(readonly mode: 'tokens' | 'insecure' | 'closed', private readonly tokens?: TokenTable<Principal>) {}

  /**
   * The tokens of AGENTOS_OBSERVABILITY_TOKENS_FILE. Where the service connects with creds (NATS_CREDS), an operator's
   * token must name its principal's creds: its kill switch goes out as that principal, never as the service.
   */
  static fromEnv(env: NodeJS.ProcessEnv): HttpAccess {
    const file = env.AGENTOS_OBSERVABILITY_TOKENS_FILE;
    const natsAuth = Boolean(env.NATS_CREDS);
    if (file) return new HttpAccess('tokens', loadAccessTokens(file, 'observability', { needed: (principal) => natsAuth && principal.role === 'operator', claimsOf: credsClaims }));
    return new HttpAccess(env.AGENTOS_INSECURE === '1' ? 'insecure' : 'closed');
  }

  admit(request: IncomingMessage): Admission {
    if (this.mode === 'insecure') return { ok: true, principal: ANONYMOUS };
    if (!this.tokens) return { ok: false, status: 401, error: UNCONFIGURED };
    const token = bearerToken(request.headers.authorization);
    if (!token) return { ok: false, status: 401, error: 'an access token is required: Authorization: Bearer <token>' };
    const principal = this.tokens.find(token);
    return principal ? { ok: true, principal } : { ok: false, status: 401, error: 'unknown access token' };
  }
}
