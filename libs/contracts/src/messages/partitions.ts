import { z } from 'zod';

/**
 * A run's message, handed by the orchestrator replica that received it to the replica owning the run's partition
 * (apps/orchestrator run-router.ts). Only orchestrator replicas send and answer it (NATS permissions).
 */
export const HandleRunMessage = z.object({
  partition: z.string().regex(/^\d+$/, 'a partition number'),
  /**
   * The message (JSON text), checked against the subject it arrived on by the replica handing it on; the owner
   * decodes and validates it again. Only orchestrator replicas may send this (NATS permissions).
   */
  message: z.string().min(2),
});

/** Handled, or why not: a permanent failure is parked by the receiving replica with this reason, any other retried. */
export const RunMessageHandled = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('handled') }),
  z.object({ outcome: z.literal('failed'), permanent: z.enum(['refused', 'invalid-message']).optional(), error: z.string() }),
]);

/**
 * An orchestrator replica took a run over (its partition became that replica's), recorded in the run's history before
 * the replica restores the run from it. It fences the previous owner: a decision that replica still makes on what it
 * last read expects a revision this has moved past, so the event store refuses it. Incident analysis reads who
 * decided from here on.
 */
export const RunOwnerChanged = z.object({
  runId: z.uuid(),
  partition: z.number().int().nonnegative(),
  /** The replica's name (AGENTOS_INSTANCE_ID, else host and pid). */
  owner: z.string().min(1),
});
