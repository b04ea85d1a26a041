import { z } from 'zod';

export const MemoryScope = z.enum(['workflow', 'agent', 'tenant', 'global']);

/** Memory keys become KV keys: dots separate segments, so segments are restricted to safe characters. */
export const MemoryKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'key must be dot-separated segments of A-Z, a-z, 0-9, _ or -')
  .max(256);

export const PutMemory = z.object({
  scope: MemoryScope,
  scopeId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'scopeId must be 1-128 characters of A-Z, a-z, 0-9, _ or -'),
  key: MemoryKey,
  value: z.unknown(),
});

export const MemoryWritten = PutMemory.omit({ value: true }).extend({
  revision: z.number().int().positive(),
});

export const GetMemory = PutMemory.omit({ value: true });

export const MemoryValue = z.object({
  found: z.boolean(),
  value: z.unknown().optional(),
  revision: z.number().int().nonnegative().optional(),
  writtenBy: z.string().optional(),
  causationId: z.string().nullable().optional(),
});

export const MemoryWriteDenied = PutMemory.omit({ value: true }).extend({
  rule: z.string().nullable(),
  reason: z.string(),
});
