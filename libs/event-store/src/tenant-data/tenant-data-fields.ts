import type { MessageType } from '@agentos/contracts';

/**
 * The payload fields that hold a tenant's data: sealed with the tenant's data key in the event store. Inputs (and
 * the goal, the tenant's own words), outputs, tool calls (their requests, responses and errors), memory values and
 * notes, a signal's data, a parked call's arguments, a schedule's input, policy context, flagged excerpts, and every
 * failure reason that carries an agent's error text on (an error message may quote the data it failed on).
 * `calls[].request` is the field of each element. A string field stays a string when sealed (length limits are
 * checked when a message is made, not on the sealed form in the store); any other becomes `{ "$sealed": … }`.
 * Not sealed: ids, names, the workflow definition (the run's shape, which a purged run's timeline still needs),
 * reasons the platform writes itself (policy rules, deadlines, run control) and approvers' comments.
 * `tenant-data-fields.spec.ts` fails for a free-form field of an event that is neither listed here nor known not
 * to be tenant data.
 */
export const TENANT_DATA_FIELDS: Partial<Record<MessageType, readonly string[]>> = {
  IntentSubmitted: ['goal', 'input'],
  WorkflowStarted: ['input'],
  TaskQueued: ['input'],
  TaskAssigned: ['input'],
  TaskCompleted: ['output', 'calls[].request', 'calls[].response', 'calls[].error'],
  TaskFailed: ['error', 'calls[].request', 'calls[].response', 'calls[].error'],
  StepCompleted: ['output'],
  StepFailed: ['error'],
  StepRetryScheduled: ['error'],
  StepSkipped: ['reason'],
  StepReused: ['output'],
  WorkflowCompleted: ['output'],
  WorkflowFailed: ['reason'],
  IntentCompleted: ['output'],
  IntentFailed: ['reason'],
  RunCancelled: ['reason'],
  RunForked: ['input', 'reused'],
  SignalReceived: ['data'],
  ScheduleCreated: ['input'],
  ScheduleFired: ['input'],
  CallParked: ['args'],
  CallApprovalRequested: ['args'],
  PolicyCheckRequested: ['context'],
  PolicyDecided: ['context'],
  ContentFlagged: ['excerpt'],
  MemoryWritten: ['value'],
  NoteAppended: ['text'],
  // The decider's input holds the message that caused the decision, with its data.
  DecisionInputRecorded: ['input'],
};

type Payload = Record<string, unknown>;

/** A copy of the payload with `fn` applied to the value at `path` (to each element's field for `list[].field`). */
export function mapField(payload: Payload, path: string, fn: (value: unknown, where: string) => unknown): Payload {
  const [list, field] = path.split('[].');
  if (field === undefined) return Object.hasOwn(payload, path) && payload[path] !== undefined ? { ...payload, [path]: fn(payload[path], path) } : payload;
  const items = payload[list];
  if (!Array.isArray(items)) return payload;
  return {
    ...payload,
    [list]: items.map((item: unknown, i) => (item && typeof item === 'object' && (item as Payload)[field] !== undefined ? { ...(item as Payload), [field]: fn((item as Payload)[field], `${list}.${i}.${field}`) } : item)),
  };
}
