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
    const entry = await kv.get(key);
    const before = entry?.operation === 'PUT' ? entry.json<T>() : undefined;
    const after = change(before);
    try {
      // A deleted key still has a revision to compare against; a key never written has none.
      if (entry) await kv.update(key, JSON.stringify(after), entry.revision);
      else await kv.create(key, JSON.stringify(after));
      return { before, after };
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error;
    }
  }
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
