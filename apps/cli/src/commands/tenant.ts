import { purgeTenantKey } from '@agentos/event-store';
import { listKeys } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { busTypesOf, purgeTenantMessages } from '../bus-purge';
import type { Output } from '../output';
import type { Session } from '../session';

/** The tenant's runs: workflow streams whose first event is the tenant's. */
async function runsOf(session: Session, tenant: string): Promise<string[]> {
  const names = (await session.store.streamNames?.()) ?? [];
  const runs: string[] = [];
  for (const stream of names.filter((name) => name.startsWith(workflowStream('')))) {
    const [first] = await session.store.readStream(stream, { maxCount: 1 });
    if (first?.event.tenant === tenant) runs.push(stream.slice(workflowStream('').length));
  }
  return runs;
}

/**
 * Crypto-shredding, as the NATS admin: deletes the tenant's data key (what it sealed in the event store can no
 * longer be read; the chains and signatures, over the ciphertext, still verify), its memory values, the step-ledger
 * entries of its runs (they hold outcomes), and its messages on the bus streams (published in clear). KV purges
 * keep no earlier revision.
 */
export async function tenantPurge(session: Session, tenant: string, out: Output): Promise<number> {
  if (tenant === 'system') throw new Error('the platform tenant "system" holds no tenant data to purge');
  const { connector } = session;
  await purgeTenantKey(connector, tenant);
  const purgeKeys = async (bucket: 'agentos_memory' | 'agentos_step_ledger' | 'agentos_open_runs', filter: string) => {
    const kv = await connector.kv(bucket);
    const keys = await listKeys(kv, filter);
    for (const key of keys) await kv.purge(key);
    return keys.length;
  };
  const memory = await purgeKeys('agentos_memory', `${tenant}.>`);
  const runs = await runsOf(session, tenant);
  let ledger = 0;
  for (const run of runs) ledger += (await purgeKeys('agentos_step_ledger', `*.${run}.*`)) + (await purgeKeys('agentos_open_runs', run));
  const messages = await purgeTenantMessages(connector, tenant, busTypesOf('all'));
  const summary = { tenant, dataKey: 'deleted', memoryValues: memory, runs: runs.length, ledgerEntries: ledger, busMessages: messages };
  out.data(summary);
  out.line(`purged tenant ${tenant}: data key deleted (its recorded data now reads [erased]), ${memory} memory values, ${ledger} step-ledger entries of ${runs.length} runs, ${messages} bus messages`);
  return 0;
}
