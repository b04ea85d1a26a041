import { loadAccessTokens, type AccessPrincipal, type TokenTable } from '@agentos/identity';
import { credsClaims } from '@agentos/messaging';

/**
 * Who a gateway token acts as: the shared model of the HTTP faces (libs/identity access-principals), a person's
 * NATS principal with its creds. The gateway sends that principal's commands and queries on a connection opened
 * with those creds, so the broker holds each request to what the principal itself may do (see PrincipalBus).
 */
export type GatewayPrincipal = AccessPrincipal;

/**
 * Loads AGENTOS_GATEWAY_TOKENS_FILE. With `needCreds` (the gateway connects to NATS with creds) every token must name
 * its principal's creds, and those creds must be that principal's; a mismatch stops the gateway at start.
 */
export const loadGatewayTokens = (path: string, needCreds: boolean): TokenTable<GatewayPrincipal> => loadAccessTokens(path, 'gateway', { needed: () => needCreds, claimsOf: credsClaims });
