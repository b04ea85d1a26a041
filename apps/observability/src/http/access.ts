import type { IncomingMessage } from 'node:http';
import { bearerToken, killSwitchRefusal, type TokenTable } from '@agentos/identity';
import { ALL_TENANTS, loadTokens, type Principal } from './tokens';

export type Admission = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; error: string };

const UNCONFIGURED =
  'no access tokens are configured: set AGENTOS_OBSERVABILITY_TOKENS_FILE to a JSON file of token hashes ' +
  '(make one with `node -r @swc-node/register scripts/observability-token.ts <name> <tenant|*> <viewer|operator>`), ' +
  'or AGENTOS_INSECURE=1 to leave this server open on a trusted machine';

/** Who may act on an open server: AGENTOS_INSECURE=1 trades every check for convenience. */
const ANONYMOUS: Principal = { name: 'anonymous', tenant: ALL_TENANTS, role: 'operator' };

/**
 * Who is asking, from `Authorization: Bearer <token>`. Without a tokens file every protected route is
 * refused (secure by default), unless AGENTOS_INSECURE=1 opens them.
 */
export class HttpAccess {
  private constructor(readonly mode: 'tokens' | 'insecure' | 'closed', private readonly tokens?: TokenTable<Principal>) {}

  static fromEnv(env: NodeJS.ProcessEnv): HttpAccess {
    const file = env.AGENTOS_OBSERVABILITY_TOKENS_FILE;
    if (file) return new HttpAccess('tokens', loadTokens(file));
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

export const canSee = (principal: Principal, tenant: string): boolean => principal.tenant === ALL_TENANTS || principal.tenant === tenant;

/** The rule the gateway applies too (libs/identity killSwitchRefusal): operators only, a tenant's only its own tenant. */
export const mayThrowKillSwitch = (principal: Principal, scope: string, target: string): string | undefined =>
  killSwitchRefusal({ ...principal, allTenants: principal.tenant === ALL_TENANTS }, scope, target);
