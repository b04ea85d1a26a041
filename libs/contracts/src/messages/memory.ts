import { z } from 'zod';

/**
 * workflow: shared by the steps of one run (scopeId = the intent id); agent: private to one agent
 * (scopeId = its name); tenant: the tenant's shared knowledge; global: read-mostly, for everyone.
 */
export const MemoryScope = z.enum(['workflow', 'agent', 'tenant', 'global']);
export type MemoryScope = z.infer<typeof MemoryScope>;

/** Memory keys become KV keys: dots separate segments, so segments are restricted to safe characters. */
export const MemoryKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'key must be dot-separated segments of A-Z, a-z, 0-9, _ or -')
  .max(256);

const ScopeId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'scopeId must be 1-128 characters of A-Z, a-z, 0-9, _ or -');

export const MemoryAddress = z.object({ scope: MemoryScope, scopeId: ScopeId, key: MemoryKey });
export const MemoryArea = z.object({ scope: MemoryScope, scopeId: ScopeId });

/** Who wrote a value or a note, from which message (causation), and when. */
export const Provenance = z.object({
  writtenBy: z.string(),
  causationId: z.string().nullable(),
  correlationId: z.string(),
  writtenAt: z.string(),
});
export type Provenance = z.infer<typeof Provenance>;

export const WriteMemory = MemoryAddress.extend({
  value: z.unknown(),
  /** Compare-and-set: the revision the caller last read; 0 means "only if absent". */
  expectedRevision: z.number().int().nonnegative().optional(),
  /** Overrides the scope's default time to live. */
  ttlSeconds: z.number().int().positive().optional(),
  classification: z.string().max(64).optional(),
  /** The run the write is made for: a write a policy rule says needs approval is parked in it (CallParked). */
  intentId: z.uuid().optional(),
  /** A write sent again once its parked call was approved: memory checks the run's approval is for this very write. */
  approvalId: z.uuid().optional(),
});

/**
 * What a parked write shows its approver (CallParked.args), and what memory compares the approved call with
 * before the write happens: the area's id, the key, the value and its classification.
 */
export function parkedWriteArguments(write: Pick<z.output<typeof WriteMemory>, 'scopeId' | 'key' | 'value' | 'classification'>): Record<string, unknown> {
  const { scopeId, key, value, classification } = write;
  return { scopeId, key, value, ...(classification ? { classification } : {}) };
}

export const DeleteMemory = MemoryAddress.extend({ expectedRevision: z.number().int().nonnegative().optional() });

const MemoryWriteOutcomes = [
  z.object({ status: z.literal('written'), revision: z.number().int().positive() }),
  z.object({ status: z.literal('conflict'), currentRevision: z.number().int().nonnegative() }),
  z.object({ status: z.literal('denied'), rule: z.string().nullable(), reason: z.string() }),
  z.object({ status: z.literal('too-large'), bytes: z.number().int(), limit: z.number().int() }),
] as const;

/** The outcome of a write or delete: done, or why not, so the caller can tell a conflict from a refusal. */
export const MemoryWriteResult = z.discriminatedUnion('status', [...MemoryWriteOutcomes]);

/** A write's outcome may also be that a rule requires approval: the writer parks it in its run and, once approved, sends it again naming the approval. */
export const WriteMemoryResult = z.discriminatedUnion('status', [...MemoryWriteOutcomes, z.object({ status: z.literal('needs-approval'), rule: z.string().nullable(), reason: z.string() })]);

export const GetMemory = MemoryAddress;

export const MemoryValue = z.object({
  found: z.boolean(),
  value: z.unknown().optional(),
  revision: z.number().int().nonnegative().optional(),
  classification: z.string().optional(),
  expiresAt: z.string().nullable().optional(),
  provenance: Provenance.optional(),
});

export const ListMemory = MemoryArea.extend({ prefix: z.string().max(256).default('') });
export const MemoryListing = z.object({
  entries: z.array(z.object({ key: z.string(), revision: z.number().int(), provenance: Provenance })),
});

export const AppendNote = MemoryArea.extend({ text: z.string().min(1).max(100_000), tags: z.array(z.string().max(64)).max(32).default([]) });
export const NoteAppended = MemoryArea.extend({ noteId: z.uuid(), text: z.string(), tags: z.array(z.string()), provenance: Provenance });

export const SearchNotes = MemoryArea.extend({ query: z.string().min(1).max(1_000), limit: z.number().int().min(1).max(100).default(10) });
export const NoteHits = z.object({
  hits: z.array(z.object({ noteId: z.uuid(), text: z.string(), score: z.number(), tags: z.array(z.string()), provenance: Provenance })),
});

/** Recorded in the event store (with the value), so a scope's memory at any past point can be rebuilt. */
export const MemoryWritten = MemoryAddress.extend({
  revision: z.number().int().positive(),
  value: z.unknown(),
  classification: z.string().optional(),
  expiresAt: z.string().nullable(),
  provenance: Provenance,
});

export const MemoryDeleted = MemoryAddress.extend({ revision: z.number().int().positive(), provenance: Provenance });
