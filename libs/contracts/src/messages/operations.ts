import { z } from 'zod';
import { TenantId } from '../envelope';

export const ValidationIssue = z.object({ path: z.string(), message: z.string() });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** What a consumer does with a message it cannot handle: park it, with the reason, for an operator. */
export const MessageDeadLettered = z.object({
  service: z.string(),
  consumer: z.string(),
  subject: z.string(),
  streamSequence: z.number().int().nonnegative(),
  deliveries: z.number().int().positive(),
  /**
   * invalid-message: the message fails its schema or the limits (depth, size), or its handler failed in a way no
   * redelivery can fix (a message built from it is invalid, a stack overflow: see classifyFailure), parked at once;
   * max-deliveries-exceeded: its handler kept failing transiently (timeouts, no responders) for every delivery;
   * retries-exhausted: no longer parked (a step whose attempts are spent is a failed step, StepFailed and WorkflowFailed,
   * not a message no handler could process); kept so letters parked by earlier versions still read;
   * refused: a well-formed message its handler turned down (RefusedMessage), e.g. a task report from an instance the task is not assigned to.
   */
  reason: z.enum(['invalid-message', 'max-deliveries-exceeded', 'retries-exhausted', 'refused']),
  error: z.string(),
  issues: z.array(ValidationIssue).default([]),
  /** The original message as received (UTF-8), so it can be inspected and re-published. */
  original: z.string(),
});

/**
 * An operator re-sent a dead letter's original (`agentos dlq redrive`): the record that it was redriven, and as what.
 * The original is re-sent as a new message of the operator's own (its id is `resentAs`, caused by the letter), never
 * under the identity of its first sender: the broker lets a principal publish only under its own subject tokens.
 */
export const RedriveDeadLetter = z.object({
  letterId: z.uuid(),
  resentAs: z.uuid(),
  type: z.string(),
  subject: z.string(),
});

export const GetMetrics = z.object({});

export const MetricsSnapshot = z.object({
  messagesByType: z.record(z.string(), z.number()),
  intents: z.object({ submitted: z.number(), completed: z.number(), rejected: z.number(), failed: z.number() }),
  /** Workflow runs by outcome (completed, failed, rejected), and agent instances dropped, by agent. */
  workflows: z.record(z.string(), z.number()),
  droppedInstances: z.record(z.string(), z.number()),
  deadLetters: z.record(z.string(), z.number()),
  /** Failed intents and workflows together, by kind of reason (policy-denied, step-failed, timed-out, ...). */
  failures: z.record(z.string(), z.number()).default({}),
  /** Percentiles as histogram bucket upper bounds (Prometheus buckets): "at most" values. */
  intentLatencyMs: z.object({ count: z.number(), p50: z.number(), p95: z.number(), p99: z.number() }),
});

/**
 * What a decider was given for one decision (the message and what the handler looked up for it),
 * recorded before the decisions, so a replay can run the same decider on the same input.
 */
export const DecisionInputRecorded = z.object({
  decider: z.string(),
  causeId: z.uuid(),
  input: z.unknown(),
});

/** The head of one event-store stream: its last revision and that event's chain hash. */
export const StreamHead = z.strictObject({
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Its chain and signatures verified when anchored: a later audit checks only what came after it. */
  verified: z.boolean(),
});

/**
 * The heads of every event-store stream at one moment, folded into an RFC 6962 Merkle tree (leaves in stream-name
 * order), recorded in the anchor log `audit-anchors`: a later deletion, truncation or rewrite of any stream shows
 * against it (`agentos audit verify`). Recorded only, never published.
 */
export const StreamHeadsAnchored = z.strictObject({
  treeSize: z.number().int().nonnegative(),
  root: z.string().regex(/^[0-9a-f]{64}$/),
  heads: z.array(StreamHead),
});

/**
 * A retention pass erased a tenant's data of one kind older than its rule (the policy bundle's `retention`): the
 * data keys of the periods that ended by `before` are deleted (what they sealed in the event store reads [erased];
 * chains and signatures, over the ciphertext, still verify), its messages of that kind on the bus stored by then,
 * and the memory values (memory) or step-ledger outcomes (runs) written by then. Recorded
 * by the audit job in `audit-retention` (signed with its key, anchored like every stream), never published.
 */
export const RetentionApplied = z.strictObject({
  tenant: TenantId,
  kind: z.enum(['memory', 'runs']),
  /** The rule applied, in milliseconds. */
  retainedForMs: z.number().int().positive(),
  /** The cut-off: data written before it was due for erasure. */
  before: z.iso.datetime({ offset: true }),
  /** Everything written before this instant is erased (the end of the newest period whose key was deleted). */
  erasedUpTo: z.iso.datetime({ offset: true }),
  /** What was deleted: data keys (one per period), revisions of memory values, step-ledger entries (outcomes), bus messages. */
  erased: z.strictObject({
    dataKeys: z.number().int().nonnegative(),
    memoryValues: z.number().int().nonnegative(),
    ledgerEntries: z.number().int().nonnegative(),
    busMessages: z.number().int().nonnegative(),
  }),
});

