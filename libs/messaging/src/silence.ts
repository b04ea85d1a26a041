/** How long each key has kept its revision, on this process' clock: a holder is silent while its key does not move. */
export class Silence<K> {
  private readonly seen = new Map<K, { revision: number; since: number }>();

  /** Milliseconds the key has shown this revision (0 when it just moved, or is seen for the first time). */
  of(key: K, revision: number, now: number): number {
    const seen = this.seen.get(key);
    if (seen?.revision === revision) return now - seen.since;
    this.seen.set(key, { revision, since: now });
    return 0;
  }

  forget(key: K): void {
    this.seen.delete(key);
  }

  clear(): void {
    this.seen.clear();
  }
}
