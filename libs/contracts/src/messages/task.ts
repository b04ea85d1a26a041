import { z } from 'zod';
import { JsonObject, Name, SemVer } from './shared';

export const TaskAssigned = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  agent: Name,
  agentVersion: SemVer,
  capability: Name,
  input: JsonObject,
});

export const TaskCompleted = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  agent: Name,
  agentVersion: SemVer,
  instanceId: z.string().min(1),
  output: z.unknown(),
});

export const TaskFailed = z.object({
  taskId: z.uuid(),
  intentId: z.uuid(),
  agent: Name,
  agentVersion: SemVer,
  instanceId: z.string().min(1),
  error: z.string(),
});
