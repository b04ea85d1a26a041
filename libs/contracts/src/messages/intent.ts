import { z } from 'zod';
import { ClientInput } from '../limits';
import { Name, SemVer } from './shared';

export const SubmitIntent = z.object({
  intentId: z.uuid(),
  goal: z.string().min(1).max(10_000),
  capability: Name,
  input: ClientInput.default({}),
  /** Pin a specific agent (and optionally a version) instead of any agent with the capability. */
  agent: z.object({ name: Name, version: SemVer.optional() }).optional(),
});

export const IntentSubmitted = SubmitIntent;

export const IntentRejected = z.object({
  intentId: z.uuid(),
  reason: z.string(),
  rule: z.string().nullable(),
  /** For a SubmitIntent that failed its schema: each field's problem, envelope and payload (`payload.goal: …`). */
  problems: z.array(z.string()).default([]),
});

export const IntentCompleted = z.object({
  intentId: z.uuid(),
  taskId: z.uuid(),
  output: z.unknown(),
});

export const IntentFailed = z.object({
  intentId: z.uuid(),
  reason: z.string(),
});

/** Policy said require_approval: the intent waits for a person. */
export const ApprovalRequested = z.object({
  intentId: z.uuid(),
  rule: z.string().nullable(),
  reason: z.string(),
});

/** Approves the run's start, or with `approvalId` one call parked inside it (CallApprovalRequested). */
export const ApproveIntent = z.object({ intentId: z.uuid(), approvalId: z.uuid().optional(), comment: z.string().max(2_000).optional() });
export const RejectIntent = z.object({ intentId: z.uuid(), approvalId: z.uuid().optional(), comment: z.string().max(2_000).optional() });

export const IntentApproved = z.object({
  intentId: z.uuid(),
  approver: z.string(),
  comment: z.string().optional(),
  /** From the approval request to the approval. */
  waitedMs: z.number().int().nonnegative(),
});
