import { z } from 'zod';
import { Name, SemVer } from './shared';

export const AgentDescriptor = z.object({
  name: Name,
  version: SemVer,
  owner: z.string().min(1).max(200),
  capabilities: z.array(Name).min(1),
  concurrency: z.number().int().min(1).max(1_000).default(1),
  instanceId: z.string().min(1).max(200),
});
export type AgentDescriptor = z.infer<typeof AgentDescriptor>;

export const RegisterAgent = AgentDescriptor;
export const AgentRegistered = AgentDescriptor;

export const AgentRegistrationRejected = z.object({
  name: Name,
  version: SemVer,
  owner: z.string(),
  reason: z.string(),
});

/** Query answered by the registry over NATS request/reply. */
/** Every agent when neither is given. */
export const FindAgents = z.object({ capability: Name.optional(), name: Name.optional() });

export const AgentsFound = z.object({ agents: z.array(AgentDescriptor) });
