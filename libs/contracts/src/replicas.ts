import { z } from 'zod';

/** Where a replica stands: starting, working, or shutting down. */
export const ReplicaState = z.enum(['starting', 'active', 'draining']);
export type ReplicaState = z.infer<typeof ReplicaState>;

/**
 * What each running replica of a service says of itself in the `agentos_replicas` bucket, under
 * `<service>.<instance>` (written only by that service's principal), for `agentos cluster`.
 */
export const ReplicaEntry = z.object({
  service: z.string().min(1),
  instance: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  state: ReplicaState,
  nats: z.enum(['connected', 'disconnected']),
  startedAt: z.iso.datetime(),
  renewedAt: z.iso.datetime(),
});
export type ReplicaEntry = z.infer<typeof ReplicaEntry>;

/** A KV key token for an instance name (host names may hold dots). */
export const replicaKey = (service: string, instance: string) => `${service}.${instance.replace(/[^A-Za-z0-9_-]/g, '_')}`;
