import type { User } from 'nats-jwt';
import type { NatsPrincipal } from './nats-permissions';

/**
 * The `nats` part of a principal's user JWT: its subject permissions from the permission table and tags
 * naming what it is, so that `nats server report connections` or a connection list shows who acts for whom.
 */
export function userClaims(principal: NatsPrincipal): Partial<User> {
  const { publish, subscribe, allowResponses } = principal.permissions;
  return {
    pub: { allow: publish, deny: [] },
    sub: { allow: subscribe, deny: [] },
    // One reply per request received, within the server's default window (as `allow_responses: true` did).
    ...(allowResponses ? { resp: { max: 1, ttl: 0 } } : {}),
    // nats-server lower-cases tags; tenant and user names are lower-case tokens already.
    tags: [`tenant:${principal.tenant}`, `role:${principal.role}`, `kind:${principal.kind}`],
  };
}
