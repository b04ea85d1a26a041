import { ActivateKillSwitch, createMessage, describeZodError, type MessageOf } from '@agentos/contracts';
import type { IncomingMessage } from 'node:http';
import { mayThrowKillSwitch } from './access';
import { readBody } from './request-checks';
import { ALL_TENANTS, type Principal } from './tokens';

const OBSERVABILITY = { kind: 'service', id: 'observability' } as const;

export type KillSwitchRequest = { ok: true; command: MessageOf<'ActivateKillSwitch'> } | { ok: false; status: 400 | 403 | 413; error: string };

/**
 * The dashboard's kill switch as the same ActivateKillSwitch command the CLI sends, on behalf of the token's tenant
 * (`system` for an all-tenant token). The observability service sends it under its own identity (the broker lets it
 * act as no one else), so the token's holder is named in the reason.
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
  const refusal = mayThrowKillSwitch(principal, payload.data.scope, payload.data.target);
  if (refusal) return { ok: false, status: 403, error: refusal };
  const tenant = principal.tenant === ALL_TENANTS ? 'system' : principal.tenant;
  const reason = `${payload.data.reason} (dashboard token ${principal.name})`;
  return { ok: true, command: createMessage('ActivateKillSwitch', { ...payload.data, reason }, { tenant, actor: OBSERVABILITY }) };
}
