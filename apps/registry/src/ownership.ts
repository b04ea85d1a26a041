import type { Actor, AgentDescriptor, AgentInstance } from '@agentos/contracts';

/** Who sent a message, as the broker authenticated it: the envelope's tenant and actor. */
export interface Principal {
  tenant: string;
  actor: Actor;
}

/** An agent's actor id is `<name>@<version>`; its name is what it owns, whatever the version. */
const actorName = (actor: Actor) => (actor.kind === 'agent' ? actor.id.split('@')[0] : actor.id);

/** The owner of what a principal registers: `<tenant>/<kind>:<name>`, never a field of the payload. */
export const ownerOf = ({ tenant, actor }: Principal): string => `${tenant}/${actor.kind}:${actorName(actor)}`;

/** A name or a capability, held for good by the owner that registered it first. */
export interface Claim {
  kind: 'name' | 'capability';
  value: string;
}

/** The owners of an agent's name and of each of its capabilities; absent while unclaimed. */
export interface ClaimOwners {
  name?: string;
  capabilities: Partial<Record<string, string>>;
}

export interface RegistrationInput {
  principal: Principal;
  agent: AgentDescriptor;
  /** AGENTOS_REGISTRY_OWNERS: owners allowed to register at all; `*` allows all. */
  allowedOwners: string[];
  claims: ClaimOwners;
  /** The instances up now: an instance id routes tasks, so live agents may not share one. */
  live: AgentInstance[];
}

export type RegistrationDecision = { kind: 'rejected'; owner: string; reason: string } | { kind: 'accepted'; owner: string; claim: Claim[] };

/** Whether a registration stands, and which claims it makes first (those nobody holds yet). */
export function decideRegistration({ principal, agent, allowedOwners, claims, live }: RegistrationInput): RegistrationDecision {
  const owner = ownerOf(principal);
  const rejected = (reason: string): RegistrationDecision => ({ kind: 'rejected', owner, reason });
  if (!allowedOwners.includes('*') && !allowedOwners.includes(owner)) return rejected(`owner "${owner}" may not register agents (allowed: ${allowedOwners.join(', ')})`);
  // An operator may register on an agent's behalf; an agent only ever speaks for itself.
  if (principal.actor.kind === 'agent' && actorName(principal.actor) !== agent.name) {
    return rejected(`agent "${actorName(principal.actor)}" may register only itself, not "${agent.name}"`);
  }
  if (claims.name !== undefined && claims.name !== owner) return rejected(`agent name "${agent.name}" belongs to owner "${claims.name}", not to "${owner}"`);
  const taken = agent.capabilities.find((capability) => claims.capabilities[capability] !== undefined && claims.capabilities[capability] !== owner);
  if (taken) return rejected(`capability "${taken}" belongs to another owner ("${claims.capabilities[taken]}"), not to "${owner}"`);
  const clash = live.find((instance) => instance.instanceId === agent.instanceId && instance.name !== agent.name);
  if (clash) return rejected(`instance id "${agent.instanceId}" is already used by live agent ${clash.name}@${clash.version}`);
  const claim: Claim[] = [
    ...(claims.name === undefined ? [{ kind: 'name' as const, value: agent.name }] : []),
    ...agent.capabilities.filter((capability) => claims.capabilities[capability] === undefined).map((value) => ({ kind: 'capability' as const, value })),
  ];
  return { kind: 'accepted', owner, claim };
}

/**
 * Why a principal may not heartbeat or deregister an instance of `name`, if it may not: only the
 * name's own agent or the name's owner speaks for its instances.
 */
export function refusalToSpeakFor(principal: Principal, name: string, nameOwner: string | undefined): string | undefined {
  if (principal.actor.kind === 'agent' && actorName(principal.actor) === name) return undefined;
  if (nameOwner !== undefined && ownerOf(principal) === nameOwner) return undefined;
  return `${ownerOf(principal)} is neither agent "${name}" nor its owner${nameOwner === undefined ? ' (the name is unclaimed)' : ` ("${nameOwner}")`}`;
}
