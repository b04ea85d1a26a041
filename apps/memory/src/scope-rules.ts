import type { Actor, MemoryScope } from '@agentos/contracts';

/**
 * The scope rules that hold whatever the policy bundle says: an agent's private memory is its own,
 * and agents may read but not write global memory. Returns why not, or undefined when allowed.
 */
export function scopeRefusal(actor: Actor, scope: MemoryScope, scopeId: string, action: 'read' | 'write'): string | undefined {
  if (actor.kind !== 'agent') return undefined;
  const agentName = actor.id.split('@')[0];
  if (scope === 'agent' && scopeId !== agentName) return `agent memory "${scopeId}" is private to that agent`;
  if (scope === 'global' && action === 'write') return 'global memory is read-only for agents';
  return undefined;
}
