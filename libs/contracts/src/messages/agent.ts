import { z } from 'zod';
import { TenantId } from '../envelope';
import { InstanceId, JsonObject, Name, SemVer } from './shared';

export const AgentDescriptor = z.object({
  name: Name,
  version: SemVer,
  /** A label the agent gives itself; the registry decides ownership from the authenticated sender instead. */
  owner: z.string().min(1).max(200),
  capabilities: z.array(Name).min(1),
  concurrency: z.number().int().min(1).max(1_000).default(1),
  instanceId: InstanceId,
  /** JSON Schemas of the task input and output, when the agent declares them (for callers and tools). */
  inputSchema: JsonObject.optional(),
  outputSchema: JsonObject.optional(),
  /** The tenant that registered the instance (its envelope's), set by the registry; absent in older entries. */
  tenant: TenantId.optional(),
});
export type AgentDescriptor = z.infer<typeof AgentDescriptor>;

export const RegisterAgent = AgentDescriptor;
export const AgentRegistered = AgentDescriptor;

export const AgentRegistrationRejected = z.object({
  name: Name,
  version: SemVer,
  /** The registrant as the registry saw it: `<tenant>/<actor kind>:<actor name>`. */
  owner: z.string(),
  reason: z.string(),
});

/** An instance as the registry knows it: up while its heartbeats arrive. */
export const AgentInstance = AgentDescriptor.extend({
  status: z.enum(['up', 'down']),
  registeredAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export type AgentInstance = z.infer<typeof AgentInstance>;

/** Sent by every agent instance every few seconds; the registry marks silent instances down. */
export const AgentHeartbeatSent = z.object({
  name: Name,
  version: SemVer,
  instanceId: InstanceId,
  inFlight: z.number().int().nonnegative(),
  concurrency: z.number().int().positive(),
});

/** An instance leaving on purpose (graceful stop), after it finished its tasks. */
export const DeregisterAgent = z.object({ name: Name, version: SemVer, instanceId: InstanceId, reason: z.string().max(500) });

/** Its tasks in flight are re-queued by the orchestrator. */
export const AgentInstanceDropped = z.object({
  name: Name,
  version: SemVer,
  instanceId: InstanceId,
  reason: z.string(),
  lastSeenAt: z.iso.datetime(),
});

/** Query answered by the registry over NATS request/reply; every live agent when neither is given. */
export const FindAgents = z.object({ capability: Name.optional(), name: Name.optional(), includeDown: z.boolean().default(false) });

export const AgentsFound = z.object({ agents: z.array(AgentInstance) });

// Supervisor: agent worker processes started from registered templates.
export const SpawnAgent = z.object({ template: Name, count: z.number().int().min(1).max(50).default(1) });
export const TerminateAgent = z.object({ instanceId: InstanceId, reason: z.string().max(500).default('requested') });

export const AgentSpawned = z.object({ template: Name, agent: Name, instanceId: InstanceId, pid: z.number().int(), restarts: z.number().int().nonnegative() });
export const AgentExited = z.object({
  template: Name,
  agent: Name,
  instanceId: InstanceId,
  pid: z.number().int(),
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Null when it will not be restarted (it was terminated). */
  willRestartInMs: z.number().int().nullable(),
});
export const AgentTerminated = z.object({ template: Name, agent: Name, instanceId: InstanceId, reason: z.string() });
export const SpawnAgentRefused = z.object({ template: z.string(), reason: z.string() });
export const TerminateAgentRefused = z.object({ instanceId: InstanceId, reason: z.string() });

export const BreakerState = z.enum(['closed', 'open', 'half-open']);

/** A per-instance circuit breaker in the scheduler changed state. */
export const CircuitStateChanged = z.object({
  agent: Name,
  instanceId: InstanceId,
  from: BreakerState,
  to: BreakerState,
  consecutiveFailures: z.number().int().nonnegative(),
});

export const GetSchedulerState = z.object({});
export const SchedulerState = z.object({
  strategy: z.string(),
  queued: z.number().int(),
  inFlight: z.number().int(),
  queueDepth: z.record(z.string(), z.number()),
  byTenant: z.record(z.string(), z.object({ queued: z.number(), inFlight: z.number() })),
  breakers: z.array(z.object({ instanceId: z.string(), state: BreakerState, consecutiveFailures: z.number() })),
  waiting: z.array(z.object({ taskId: z.uuid(), workflowId: z.uuid(), stepId: z.string(), reason: z.string() })),
  /** How many orchestrator replicas' schedulers this adds up (each schedules the runs of its partitions). */
  replicas: z.number().int().positive().optional(),
});
/** One orchestrator replica's own scheduler, asked of every replica by the one answering GetSchedulerState. */
export const GetReplicaSchedulerState = z.object({});
