import { SYSTEM_TENANT, type AgentDescriptor, type StepTarget } from '@agentos/contracts';
import type { BreakerState } from './breaker';

/**
 * Tasks with the same key can run on exactly the same instances, so the scheduler matches
 * instances once per key, not once per task. Also the key of `snapshot().queueDepth`.
 * Names and versions cannot contain '+', so the key is unambiguous.
 */
export function targetKey(target: StepTarget): string {
  const parts: string[] = [];
  if (target.capability !== undefined) parts.push(`capability:${target.capability}`);
  if (target.agent) parts.push(`agent:${target.agent.name}${target.agent.version !== undefined ? `@${target.agent.version}` : ''}`);
  return parts.join('+');
}

/** Human-readable target for progress output: `capability "x"`, `agent a@1.0.0`, or both. */
export function describeTarget(target: StepTarget): string {
  const capability = target.capability !== undefined ? `capability "${target.capability}"` : undefined;
  const agent = target.agent ? `agent ${target.agent.name}${target.agent.version !== undefined ? `@${target.agent.version}` : ''}` : undefined;
  if (agent && capability) return `${agent} with ${capability}`;
  return agent ?? capability ?? 'nothing';
}

/** The instance offers the capability (if one is asked for) and is the pinned agent (and version, if pinned). */
export function matches(target: StepTarget, instance: AgentDescriptor): boolean {
  if (target.capability !== undefined && !instance.capabilities.includes(target.capability)) return false;
  if (target.agent) {
    if (instance.name !== target.agent.name) return false;
    if (target.agent.version !== undefined && instance.version !== target.agent.version) return false;
  }
  return true;
}

/** A platform agent (registered in the platform tenant) serves every tenant; a tenant's agent only its own. */
export const servesTenant = (instance: AgentDescriptor, tenant: string): boolean =>
  instance.tenant === undefined || instance.tenant === SYSTEM_TENANT || instance.tenant === tenant;

type Identifier = number | string;
const parseSemver = (version: string): { core: number[]; pre: Identifier[] } => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([\w.]+))?$/.exec(version);
  // The contracts only admit valid versions; anything else sorts below 0.0.0 rather than throwing.
  if (!m) return { core: [-1, -1, -1], pre: [version] };
  const pre = m[4] === undefined ? [] : m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id));
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
};

/** Semver precedence (> 0 when a is newer): 1.10.0 > 1.9.0, and a release beats its pre-releases. */
export function compareSemver(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  for (let i = 0; i < 3; i += 1) if (pa.core[i] !== pb.core[i]) return pa.core[i] - pb.core[i];
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length;
  for (let i = 0; i < Math.min(pa.pre.length, pb.pre.length); i += 1) {
    const [x, y] = [pa.pre[i], pb.pre[i]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // numeric identifiers sort below alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return pa.pre.length - pb.pre.length;
}

/** An instance as the scheduler sees it at one moment. */
export interface Slot {
  instance: AgentDescriptor;
  /** Tasks in flight on it. */
  busy: number;
  /** Tasks it may take now: concurrency − busy, 0 when its circuit is open, at most 1 probe when half-open. */
  free: number;
  state: BreakerState;
}

/**
 * Better instance first: the newest version when the version is not pinned (a pinned version makes
 * them all equal), then the most free slots (spreads load), then instanceId (deterministic).
 */
export function compareSlots(target: StepTarget, a: Slot, b: Slot): number {
  if (target.agent?.version === undefined) {
    const byVersion = compareSemver(b.instance.version, a.instance.version);
    if (byVersion !== 0) return byVersion;
  }
  if (a.free !== b.free) return b.free - a.free;
  const [x, y] = [a.instance.instanceId, b.instance.instanceId];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The best of the given slots in one linear pass; undefined when there are none. */
export function pickSlot(target: StepTarget, slots: readonly Slot[]): Slot | undefined {
  let winner: Slot | undefined;
  for (const slot of slots) if (winner === undefined || compareSlots(target, slot, winner) < 0) winner = slot;
  return winner;
}
