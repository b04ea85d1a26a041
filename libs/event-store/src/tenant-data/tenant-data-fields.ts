import type { MessageType } from '@agentos/contracts';

/**
 * The payload fields that hold a tenant's data (inputs, outputs, tool calls, memory values, notes): sealed with
 * the tenant's data key in the event store. `calls[].request` is the field of each element. A string field stays a
 * string when sealed (its schema asks for one); any other becomes `{ "$sealed": … }`.
 * Not sealed: goals, reasons and ids (free text under a length limit the sealed form would exceed, or what a
 * purged run's timeline still needs), and ContentFlagged excerpts (500 characters at most).
 */
export const TENANT_DATA_FIELDS: Partial<Record<MessageType, readonly string[]>> = {
  IntentSubmitted: ['input'],
  WorkflowStarted: ['input'],
  TaskQueued: ['input'],
  TaskAssigned: ['input'],
  TaskCompleted: ['output', 'calls[].request', 'calls[].response'],
  TaskFailed: ['calls[].request', 'calls[].response'],
  StepCompleted: ['output'],
  WorkflowCompleted: ['output'],
  IntentCompleted: ['output'],
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
