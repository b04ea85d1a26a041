import { isCompareAndSetRace, listKeys, type NatsConnector } from '@agentos/messaging';
import type { KV } from 'nats';

const BUCKET = 'agentos_open_runs';

/**
 * The ids of runs that have not settled, so the orchestrator replica that takes a partition over knows which
 * histories to load. A run is added before its first decision is recorded and removed once it settles; a stale entry
 * only costs one read.
 */
export class OpenRuns {
  constructor(private readonly connector: NatsConnector) {}

  private kv(): Promise<KV> {
    return this.connector.kv(BUCKET);
  }

  /**
   * Adds the run. True if its id was never in the index, not even as a run that settled and left it (the key's
   * delete marker stays): a run never opened, whose history is empty, so its first decision need not read it. False
   * for one opened before (a redelivery, a retry after a crash, a retried run).
   */
  async add(runId: string): Promise<boolean> {
    const kv = await this.kv();
    try {
      await kv.put(runId, '', { previousSeq: 0 });
      return true;
    } catch (error) {
      if (!isCompareAndSetRace(error)) throw error;
    }
    await kv.put(runId, '');
    return false;
  }

  async remove(runId: string): Promise<void> {
    await (await this.kv()).delete(runId);
  }

  async list(): Promise<string[]> {
    return listKeys(await this.kv());
  }

  /** When the run entered the index (undefined: it is not in it). */
  async since(runId: string): Promise<Date | undefined> {
    const entry = await (await this.kv()).get(runId);
    return entry?.operation === 'PUT' ? entry.created : undefined;
  }
}
