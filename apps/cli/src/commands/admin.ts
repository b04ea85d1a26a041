import { subjectFilter, KillSwitchScope, createMessage, decodeMessage, type AnyMessage, type MessageOf, type PayloadInput } from '@agentos/contracts';
import { parsePolicyBundle } from '@agentos/policy-engine';
import { readFileSync } from 'node:fs';
import type { Output } from '../output';
import type { Session } from '../session';

type AdminCommand = 'ActivateKillSwitch' | 'ReleaseKillSwitch' | 'ApproveIntent' | 'RejectIntent' | 'PublishPolicyBundle';

async function send<T extends AdminCommand>(session: Session, type: T, payload: PayloadInput<T>): Promise<MessageOf<T>> {
  const message = createMessage(type, payload, session.origin) as MessageOf<T>;
  await session.client.publishMessage(message as never);
  return message;
}

export async function agentsList(session: Session, capability: string | undefined, out: Output): Promise<number> {
  const { agents } = await session.client.query(createMessage('FindAgents', capability ? { capability } : {}, session.origin));
  out.data(agents);
  if (agents.length === 0) out.line('no agents registered');
  for (const a of agents) out.line(`${`${a.name}@${a.version}`.padEnd(28)} owner=${a.owner.padEnd(14)} capabilities=${a.capabilities.join(',')}  instance=${a.instanceId}`);
  return 0;
}

export async function agentShow(session: Session, name: string, out: Output): Promise<number> {
  const { agents } = await session.client.query(createMessage('FindAgents', { name }, session.origin));
  if (agents.length === 0) throw new Error(`no agent named ${name} is registered`);
  out.data(agents);
  out.line(`${name}: ${agents.length} instance(s)`);
  for (const a of agents) out.line(`  ${a.version.padEnd(10)} owner=${a.owner} capabilities=${a.capabilities.join(',')} concurrency=${a.concurrency} instance=${a.instanceId}`);
  return 0;
}

export async function policyShow(session: Session, out: Output): Promise<number> {
  const bundle = await session.client.query(createMessage('GetPolicyBundle', {}, session.origin));
  out.data(bundle);
  out.line(`# bundle ${bundle.version} (${bundle.rules} rules)\n${bundle.yaml}`);
  return 0;
}

/** Validates locally first (line-precise errors, nothing sent), then publishes and waits for the verdict. */
export async function policyApply(session: Session, file: string, out: Output): Promise<number> {
  const yaml = readFileSync(file, 'utf8');
  const bundle = parsePolicyBundle(yaml, file);
  const nc = await session.connector.connection$();
  // Listen before publishing, so the answer cannot slip past.
  const answers = nc.subscribe(subjectFilter('PolicyBundlePublished').replace('bundle-published', '*'), { timeout: 15_000 });
  const message = await send(session, 'PublishPolicyBundle', { yaml, source: file });
  let outcome: AnyMessage | undefined;
  try {
    for await (const raw of answers) {
      const parsed = decodeMessage(raw.data);
      if (parsed.ok && parsed.message.causationId === message.id && ['PolicyBundlePublished', 'PolicyBundleRejected'].includes(parsed.message.type)) {
        outcome = parsed.message;
        break;
      }
    }
  } catch {
    throw new Error('the policy service did not answer within 15 s (is it running?)');
  } finally {
    answers.unsubscribe();
  }
  if (!outcome) throw new Error('the policy service did not answer (is it running?)');
  out.data({ outcome: outcome?.type, payload: outcome?.payload });
  if (outcome?.type === 'PolicyBundleRejected') {
    out.line(`rejected:\n  ${(outcome.payload as { problems: string[] }).problems.join('\n  ')}`);
    return 1;
  }
  out.line(`policy bundle ${bundle.version} (${bundle.rules.length} rules) is in force`);
  return 0;
}

export async function killSwitch(session: Session, action: 'kill' | 'resume', scope: string, target: string, reason: string, out: Output): Promise<number> {
  const parsedScope = KillSwitchScope.parse(scope);
  const message =
    action === 'kill'
      ? await send(session, 'ActivateKillSwitch', { scope: parsedScope, target, reason })
      : await send(session, 'ReleaseKillSwitch', { scope: parsedScope, target, reason });
  out.data({ sent: message.type, id: message.id });
  out.line(action === 'kill' ? `kill switch thrown: ${scope} ${target} (${reason})` : `kill switch released: ${scope} ${target}`);
  return 0;
}

export async function decideApproval(session: Session, decision: 'approve' | 'reject', intentId: string, comment: string | undefined, out: Output): Promise<number> {
  const payload = { intentId, ...(comment ? { comment } : {}) };
  const message = decision === 'approve' ? await send(session, 'ApproveIntent', payload) : await send(session, 'RejectIntent', payload);
  out.data({ sent: message.type, id: message.id });
  out.line(`${decision === 'approve' ? 'approved' : 'rejected'} intent ${intentId} as ${session.settings.user}`);
  return 0;
}
