import { ActivateKillSwitch, createMessage, describeZodError, type MessageOf } from '@agentos/contracts';
import type { IncomingMessage } from 'node:http';
import { killSwitchRefusal } from '@agentos/identity';
import type { Principal } from './access';
import { readBody } from './request-checks';

export type KillSwitchRequest = { ok: true; command: MessageOf<'ActivateKillSwitch'> } | { ok: false; status: 400 | 403 | 413; error: string };

/**
 * The dashboard's kill switch as the same ActivateKillSwitch command the CLI and the gateway send, from the token's
 * principal: its tenant and its user as the envelope's, checked by the rule the gateway applies (killSwitchRefusal),
 * and sent on that principal's own connection (http.server.ts), so the broker holds it to what the principal may do.
 * The reason says it came through the dashboard.
 */
export async function killSwitchCommand(request: IncomingMessage, principal: Principal): Promise<KillSwitchRequest> {
  const text = await readBody(request);
  if (text === undefined) return { ok: false, status: 413, error: 'the body is too large' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'body must be JSON: {scope, target, reason}' };
  }
  const payload = ActivateKillSwitch.safeParse(body);
  if (!payload.success) return { ok: false, status: 400, error: describeZodError(payload.error) };
  const refusal = killSwitchRefusal(principal, payload.data.scope, payload.data.target);
  if (refusal) return { ok: false, status: 403, error: refusal };
  const reason = `${payload.data.reason} (dashboard token ${principal.name})`;
  return { ok: true, command: createMessage('ActivateKillSwitch', { ...payload.data, reason }, { tenant: principal.tenant, actor: { kind: 'user', id: principal.name } }) };
}
