import { parkedWriteArguments, type MessageOf, type ReplyOf } from '@agentos/contracts';
import { isDeepStrictEqual } from 'node:util';

/**
 * Why an approval a write names does not let it happen, or undefined when it does. The approval must be approved,
 * in the run the write names, for a memory.write by this agent of this very write (scope, area, key, value,
 * classification) as the approver saw it: an agent cannot have one write approved and then make another with it.
 * A value the agent's publisher redacted (it held a secret) never matches, so such a write stays refused.
 */
export function approvalRefusal(write: MessageOf<'WriteMemory'>, approval: ReplyOf<'GetCallApproval'>): string | undefined {
  const { approvalId, intentId, scope, scopeId, key } = write.payload;
  if (approval.status !== 'approved') return `approval ${approvalId} in run ${intentId} is ${approval.status}${approval.reason ? `: ${approval.reason}` : ''}`;
  const call = approval.call;
  const agent = write.actor.kind === 'agent' ? write.actor.id.split('@')[0] : undefined;
  const same = call?.action === 'memory.write' && call.agent === agent && call.resource.kind === 'memory' && call.resource.name === scope && isDeepStrictEqual(call.args, parkedWriteArguments(write.payload));
  return same ? undefined : `approval ${approvalId} was given for another call than this write of ${scope}/${scopeId} ${key}`;
}
