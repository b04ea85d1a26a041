import { ActivateKillSwitch, AgentDescriptor, ApproveIntent, ClientInput, KillSwitchList, KillSwitchScope, PolicyBundleInForce, Priority, SubmitIntent, ValidationIssue } from '@agentos/contracts';
import { z } from 'zod';

/**
 * The gateway's request and response bodies. Requests are checked with these schemas (field-level 400s) and
 * the OpenAPI document describes them from the same schemas (openapi.ts), so the two cannot drift. Command
 * payloads reuse the contracts' own schemas.
 */

/** SubmitIntent; the gateway assigns the id unless the client gives one (or derives it from an Idempotency-Key). */
export const IntentRequest = SubmitIntent.extend({ intentId: SubmitIntent.shape.intentId.optional() }).strict();

export const WorkflowRequest = z
  .object({
    /** The workflow document: YAML or JSON text (problems then name their line), or the parsed object. */
    document: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    input: ClientInput.optional(),
    priority: Priority.optional(),
  })
  .strict();

export const RunKind = z.enum(['intent', 'workflow']);
export const RunStatus = z.enum(['completed', 'failed', 'rejected', 'cancelled', 'running']);

export const Accepted = z.object({
  runId: z.uuid(),
  kind: RunKind,
  links: z.object({ run: z.string(), events: z.string() }),
});

/** A command sent: its message id (the JetStream de-duplication id). */
export const Sent = z.object({ sent: z.string(), messageIds: z.array(z.uuid()) });

export const StepView = z.object({
  status: z.string(),
  attempt: z.number().int(),
  instanceId: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
});

export const RunView = z.object({
  id: z.uuid(),
  kind: RunKind.optional(),
  name: z.string().optional(),
  tenant: z.string(),
  status: RunStatus,
  /** Where the orchestrator's decider stands: new, awaiting-policy, awaiting-approval, running, or how it ended. */
  phase: z.string(),
  reason: z.string().optional(),
  failedStep: z.string().optional(),
  output: z.unknown().optional(),
  steps: z.record(z.string(), StepView),
  spent: z.object({ tokens: z.number(), cost: z.number(), steps: z.number() }),
  startedAt: z.string(),
  lastAt: z.string(),
  events: z.number().int(),
});

export const RunRow = z.object({
  id: z.uuid(),
  name: z.string().optional(),
  tenant: z.string(),
  status: RunStatus,
  reason: z.string().optional(),
  startedAt: z.string(),
  lastAt: z.string(),
  events: z.number().int(),
});

export const RunListQuery = z
  .object({
    status: RunStatus.optional(),
    tenant: z.string().optional(),
    /** An ISO time, or a span back from now: 90s, 30m, 2h, 7d. */
    since: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** The `next` of the previous page. */
    cursor: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const RunList = z.object({ runs: z.array(RunRow), next: z.string().optional() });

export const ApprovalRequest = ApproveIntent.pick({ comment: true }).strict();
export const CancelRequest = z.object({ reason: z.string().min(1).max(500).default('cancelled through the gateway') }).strict();

export const AgentsQuery = z.object({ capability: z.string().optional(), includeDown: z.enum(['true', 'false']).optional() }).strict();
export const AgentList = z.object({ agents: z.array(AgentDescriptor) });
export const SpawnRequest = z.object({ count: z.number().int().min(1).max(50).default(1) }).strict();
export const TerminateRequest = z.object({ instanceId: z.string().optional(), reason: z.string().min(1).max(500).default('terminated through the gateway') }).strict();

export const PolicyView = PolicyBundleInForce;
export const PolicyRequest = z.object({ yaml: z.string().min(1).max(1_000_000) }).strict();
export const PolicyApplied = z.object({ version: z.string(), sha256: z.string(), rules: z.number().int() });

export const KillSwitchRequest = ActivateKillSwitch.strict();
export const KillSwitchRelease = z.object({ scope: KillSwitchScope, target: z.string().min(1), reason: z.string().min(1).default('released through the gateway') }).strict();
export const KillSwitches = KillSwitchList;

export const TimelineView = z.object({ entries: z.array(z.record(z.string(), z.unknown())) });
export const VerifyView = z.object({
  ok: z.boolean(),
  events: z.number().int().optional(),
  revision: z.number().int().optional(),
  eventId: z.string().optional(),
  reason: z.string().optional(),
  /** Revisions lost from a truncated stream. */
  missing: z.string().optional(),
});

export const ProblemBody = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  errors: z.array(ValidationIssue).optional(),
});
