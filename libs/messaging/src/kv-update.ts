import { LRUCache } from 'lru-cache';
import type { KV, KvEntry } from 'nats';

const MAX_ATTEMPTS = 10;

/** A KV compare-and-set that lost: another writer changed (or created) the key since its revision was read. */
export const isCompareAndSetRace = (error: unknown): boolean => /wrong last sequence|key exists/i.test(String((error as Error)?.message));

/**
 * Read-modify-write of one JSON value in a KV bucket by compare-and-set: when another writer got in
 * between the read and the write, read again and re-apply. Returns the value before and after.
 */
export async function updateKv<T>(kv: KV, key: string, change: (current: T | undefined) => T): Promise<{ before: T | undefined; after: T }> {
  for (let attempt = 1; ; attempt += 1) {
    const { revision, value: before } = await read<T>(kv, key);
    const after = change(before);
    try {
      await write(kv, key, revision, after);
      return { before, after };
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

interface Waiting<T> {
  change: (current: T | undefined) => T;
  resolve: (outcome: { before: T | undefined; after: T }) => void;
  reject: (error: unknown) => void;
}

/** A key's value as this process last wrote or read it; no revision: the key was never written. */
interface Known<T> {
  revision?: number;
  value: T | undefined;
}

const NEVER_WRITTEN = { revision: undefined, value: undefined };

/**
 * updateKv for keys written often, by many handlers at once (a tenant's budget account): the changes to a key that
 * arrive while its write is under way go together in the next write, one compare-and-set for the lot, and the
 * revision this process wrote last is remembered, so a key no other process writes costs one round trip per batch
 * and no read. A key it does not know is assumed new (a run's account): created without a read, and read only if
 * it exists. Another writer in between costs a refused write and a read, as with updateKv. Each change must be a
 * pure function of the value that returns a new value and leaves the one it is given as it is (that one is also
 * remembered, and handed to the caller as `before`): it is applied again on a retry. A change that throws fails its
 * own caller only.
 */
export class BatchedKvUpdates<T> {
  private readonly waiting = new Map<string, Waiting<T>[]>();
  private readonly known: LRUCache<string, Known<T>>;

  constructor(private readonly kv: () => Promise<KV>, remembered = 10_000) {
    this.known = new LRUCache({ max: remembered });
  }

  /** Applies `change` to the key's value once; resolves with the value just before it and just after it. */
  update(key: string, change: (current: T | undefined) => T): Promise<{ before: T | undefined; after: T }> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting.get(key);
      if (waiting) return void waiting.push({ change, resolve, reject });
      this.waiting.set(key, []);
      void this.write(key, [{ change, resolve, reject }]);
    });
  }

  private async write(key: string, waiting: Waiting<T>[]): Promise<void> {
    let batch = waiting;
    try {
      const kv = await this.kv();
      for (let attempt = 1; batch.length > 0; attempt += 1) {
        const base = attempt === 1 ? (this.known.get(key) ?? NEVER_WRITTEN) : await read<T>(kv, key);
        let value = base.value;
        const outcomes = new Map<Waiting<T>, { before: T | undefined; after: T }>();
        for (const one of batch) {
          try {
            const before = value;
            value = one.change(before);
            outcomes.set(one, { before, after: value });
          } catch (error) {
            one.reject(error); // its own caller's failure only; the others' changes are written
          }
        }
        batch = batch.filter((one) => outcomes.has(one));
        if (batch.length === 0) break;
        try {
          this.known.set(key, { revision: await write(kv, key, base.revision, value), value });
          batch.forEach((one) => one.resolve(outcomes.get(one)!));
          break;
        } catch (error) {
          // A refused compare-and-set, or a write whose outcome is unknown (a timeout): read again, apply again.
          this.known.delete(key);
          if (attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      batch.forEach((one) => one.reject(error));
    }
    const next = this.waiting.get(key) ?? [];
    if (next.length === 0) return void this.waiting.delete(key);
    this.waiting.set(key, []);
    void this.write(key, next);
  }
}

async function read<T>(kv: KV, key: string): Promise<Known<T>> {
  const entry = await kv.get(key);
  // A deleted key still has a revision to compare against.
  return entry ? { revision: entry.revision, value: entry.operation === 'PUT' ? entry.json<T>() : undefined } : NEVER_WRITTEN;
}

/** Writes the value if the key is still at `revision` (created if it was never written); its new revision. */
function write<T>(kv: KV, key: string, revision: number | undefined, value: T): Promise<number> {
  const text = JSON.stringify(value);
  return revision === undefined ? kv.create(key, text) : kv.update(key, text, revision);
}

/**
 * The keys matching a filter, collected before the caller reads any of them: the key lister is a
 * live consumer, and awaiting gets inside its loop stalls it (seen with several keys).
 */
export async function listKeys(kv: KV, filter = '>'): Promise<string[]> {
  // A set: the lister reads the bucket's stream, and a key rewritten while it reads comes by twice.
  const keys = new Set<string>();
  for await (const key of await kv.keys(filter)) keys.add(key);
  return [...keys];
}

/** Every current value of a bucket (deleted keys skipped), each parsed, the keys listed first (see listKeys). */
export async function readValues<T>(kv: KV, parse: (value: unknown) => T, filter = '>'): Promise<T[]> {
  const values: T[] = [];
  for (const key of await listKeys(kv, filter)) {
    const entry = await kv.get(key);
    if (entry?.operation === 'PUT') values.push(parse(entry.json()));
  }
  return values;
}

/**
 * Applies a bucket's current values (resolving once they are all in), then every change, until
 * stopped: a local mirror that answers reads without asking the server each time.
 */
export async function followKv(kv: KV, key: string, apply: (entry: KvEntry) => void, onError: (error: unknown, entry: KvEntry) => void = () => undefined): Promise<{ stop(): void }> {
  let initialized!: () => void;
  const ready = new Promise<void>((resolve) => (initialized = resolve));
  const watch = await kv.watch({ key, initializedFn: () => initialized() });
  void (async () => {
    for await (const entry of watch) {
      try {
        apply(entry);
      } catch (error) {
        onError(error, entry);
      }
    }
  })();
  await ready;
  return { stop: () => watch.stop() };
}
