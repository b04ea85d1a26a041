/**
 * The partition a run belongs to: FNV-1a (32 bit) of its id's UTF-8 bytes, modulo the partition count. Stable
 * across processes and languages, so every orchestrator replica routes a run's messages to the same owner.
 * The count must be the same on every replica (the orchestrator records it once and refuses to start on another).
 */
export function partitionOf(runId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(runId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
