import { CATALOG, type MessageType } from './catalog';
import type { Actor, Envelope } from './envelope';

const TOKEN = /\{(\w+)\}/g;

/**
 * The platform's own tenant. Services and platform-wide principals (operators, shared agents) belong to it, and
 * only a principal of it may act for every tenant; global kill switches and policy bundles are sent in it.
 */
export const SYSTEM_TENANT = 'system';

/** The name an actor acts under: an agent's name without its version (`summariser@1.2.0` → `summariser`), else its id. */
export const actorName = (actor: Actor): string => (actor.kind === 'agent' ? actor.id.split('@')[0] : actor.id);

/**
 * The principal token of an actor, e.g. `agent-summariser`, `service-orchestrator`, `user-alice`: the last token
 * of every subject the actor publishes on. NATS permissions let each principal publish only under its own token
 * (and its own tenant), so a consumer that finds the envelope agreeing with its subject knows who sent it.
 */
export const principalOf = (actor: Actor): string => `${actor.kind}-${actorName(actor)}`;

/** Who sent a message, as its subject's last two tokens say. `*` in a filter matches any. */
export interface Sender {
  tenant?: string;
  principal?: string;
}

function routing(type: MessageType, fill: (field: string) => string): string {
  const spec = CATALOG[type];
  if (!spec) throw new Error(`unknown message type "${type}"`);
  return spec.subject.replace(TOKEN, (_, field: string) => fill(field));
}

/** The subject's routing part, from the catalogue and the payload, without the sender tokens. */
export function routingSubjectOf(message: Envelope): string {
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  return routing(message.type as MessageType, (field) => {
    const value = payload[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`${message.type}: payload.${field} is needed to build the subject ${CATALOG[message.type as MessageType].subject}`);
    }
    return value;
  });
}

/**
 * The concrete subject a message is published on: `{field}` tokens come from its payload, then the sender's
 * tenant and principal (`agentos.cmd.intent.submit.acme.user-alice`).
 */
export function subjectOf(message: Envelope): string {
  return `${routingSubjectOf(message)}.${message.tenant}.${principalOf(message.actor)}`;
}

/** The subject filter of a consumer: given tokens are fixed, the others match any single token. */
export function subjectFilter(type: MessageType, tokens: Record<string, string> = {}, sender: Sender = {}): string {
  return `${routing(type, (field) => tokens[field] ?? '*')}.${sender.tenant ?? '*'}.${sender.principal ?? '*'}`;
}

/**
 * Why a message does not belong on the subject it arrived on, or undefined when it does. The subject's sender
 * tokens are what the broker let its publisher use; an envelope naming another tenant or actor is forged, and a
 * payload routing elsewhere (a task for another agent) is forged or misrouted.
 */
export function subjectMismatch(message: Envelope, subject: string): string | undefined {
  const expected = subjectOf(message);
  if (expected === subject) return undefined;
  const tokens = subject.split('.');
  const [tenant, principal] = tokens.slice(-2);
  const routed = tokens.slice(0, -2).join('.');
  const problems: string[] = [];
  if (tenant !== message.tenant) problems.push(`tenant "${message.tenant}" but was sent as tenant "${tenant}"`);
  if (principal !== principalOf(message.actor)) problems.push(`actor ${message.actor.kind}:${message.actor.id} but was sent by principal "${principal}"`);
  if (routed !== routingSubjectOf(message)) problems.push(`a payload routed to ${routingSubjectOf(message)} but arrived on ${routed}`);
  return `${message.type} names ${problems.join('; ') || `subject ${expected}`} (subject ${subject})`;
}
