import { durationMs } from '@agentos/config';
import { EVENT_STREAMS, createMessage, type MessageOf } from '@agentos/contracts';
import { JetStreamEventStore, shredKeysBefore, tenantsWithKeys } from '@agentos/event-store';
import { Lease, isCompareAndSetRace, listKeys, type NatsConnector } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { parsePolicyBundle, retentionDue, type RetentionDue } from '@agentos/policy-engine';
import { hostname } from 'node:os';
import { busTypesOf, purgeTenantMessages } from '../bus-purge';
import type { Output } from '../output';
import type { Session } from '../session';
import { auditSigner } from './audit';

const MEMORY_BUCKET = 'agentos_memory';
const STEP_LEDGER_BUCKET = 'agentos_step_ledger';

/**
 * Deletes every revision of the tenant's memory values written before `before` (KV purges keep none), keeping the
 * newer revisions of a key. A write racing the pass only makes it keep one revision too many until the next pass.
 */
async function eraseMemoryBefore(connector: NatsConnector, tenant: string, before: number): Promise<number> {
  const kv = await connector.kv(MEMORY_BUCKET);
  const jsm = await connector.manager$();
  let erased = 0;
  for (const key of await listKeys(kv, `${tenant}.>`)) {
    const revisions = [];
    for await (const entry of await kv.history({ key })) revisions.push(entry);
    const old = revisions.filter((entry) => entry.created.getTime() < before).length;
    if (old === 0) continue;
    const keep = revisions.length - old;
    const filter = `$KV.${MEMORY_BUCKET}.${key}`;
    await jsm.streams.purge(`KV_${MEMORY_BUCKET}`, keep > 0 ? { filter, keep } : { filter });
    erased += old;
  }
  return erased;
}

/**
 * Deletes the step-ledger entries (each holds a step's outcome, in clear) of the tenant's runs written before
 * `before`; conditional on the revision read, so a step claimed again meanwhile keeps its entry.
 */
async function eraseStepOutcomesBefore(session: Session, tenant: string, before: number): Promise<number> {
  const kv = await session.connector.kv(STEP_LEDGER_BUCKET);
  const tenantOfRun = new Map<string, Promise<string | undefined>>();
  let erased = 0;
  for (const key of await listKeys(kv)) {
    const entry = await kv.get(key);
    if (entry?.operation !== 'PUT' || entry.created.getTime() >= before) continue;
    const run = key.split('.')[1];
    if (!tenantOfRun.has(run)) tenantOfRun.set(run, session.store.readStream(workflowStream(run), { maxCount: 1 }).then(([first]) => first?.event.tenant));
    if ((await tenantOfRun.get(run)) !== tenant) continue;
    try {
      await kv.purge(key, { previousSeq: entry.revision });
      erased += 1;
    } catch (error) {
      if (!isCompareAndSetRace(error)) throw error;
    }
  }
  return erased;
}

/** One tenant's data of one kind erased as its rule says; the fact, when anything was erased. */
async function applyRule(session: Session, due: RetentionDue): Promise<MessageOf<'RetentionApplied'> | undefined> {
  const { connector } = session;
  const keys = await shredKeysBefore(connector, due.tenant, due.kind, due.before);
  const erased = {
    dataKeys: keys.length,
    memoryValues: due.kind === 'memory' ? await eraseMemoryBefore(connector, due.tenant, due.before) : 0,
    ledgerEntries: due.kind === 'runs' ? await eraseStepOutcomesBefore(session, due.tenant, due.before) : 0,
    busMessages: await purgeTenantMessages(connector, due.tenant, busTypesOf(due.kind), due.before),
  };
  if (Object.values(erased).every((n) => n === 0)) return undefined;
  const erasedUpTo = Math.max(0, ...keys.map((k) => k.until));
  return createMessage(
    'RetentionApplied',
    {
      tenant: due.tenant,
      kind: due.kind,
      retainedForMs: due.retainedForMs,
      before: new Date(due.before).toISOString(),
      erasedUpTo: new Date(keys.length > 0 ? erasedUpTo : due.before).toISOString(),
      erased,
    },
    { tenant: 'system', actor: { kind: 'service', id: 'audit' } },
  );
}

/**
 * Applies the retention rules of the policy bundle in force (`retention:`), once or every `every`: for each tenant
 * and kind of data, deletes the data keys of the periods past its rule (crypto-shredding: the histories keep their
 * ciphertext, chains and signatures), its messages of that kind on the bus streams stored before the cut-off, and
 * the memory values (memory) or the step-ledger outcomes of its runs (runs) written before it; each rule that
 * erased something is recorded as `RetentionApplied` in `audit-retention`, signed by the audit key. As the NATS
 * admin, like `audit anchor`; copies of the job take turns through a lease, so one pass runs at a time.
 */
export async function retentionApply(session: Session, every: string | undefined, out: Output): Promise<number> {
  if (session.settings.esdbUrl) throw new Error('retention erases by crypto-shredding in the JetStream event store only');
  const period = every === undefined ? undefined : durationMs(0).safeParse(every);
  if (period && !period.success) throw new Error(`--every: ${period.error.issues[0].message}`);
  const { connector } = session;
  const store = new JetStreamEventStore(connector, { retryAttempts: 2, signer: await auditSigner() });
  const lease = new Lease(() => connector.kv('agentos_leases'), { key: 'retention', holder: `retention-${hostname()}-${process.pid}`, ttlMs: 6_000 });
  await lease.acquire();
  let lost: string | undefined;
  void lease.lost.then((reason) => (lost = reason));
  try {
    for (;;) {
      // Frozen past the lease, another copy took over: stop rather than run a pass beside it.
      if (lost) throw new Error(`retention job stopped: ${lost}`);
      const { yaml } = await session.client.query(createMessage('GetPolicyBundle', {}, session.origin));
      const { retention, version } = parsePolicyBundle(yaml, 'the policy bundle in force');
      const applied = [];
      for (const due of retentionDue(retention, await tenantsWithKeys(connector), Date.now())) {
        const fact = await applyRule(session, due);
        if (fact) applied.push(fact);
      }
      if (applied.length > 0) await store.append(EVENT_STREAMS.retention(), applied);
      out.data({ bundle: version, applied: applied.map((fact) => fact.payload) });
      for (const { payload: p } of applied) out.line(`erased ${p.tenant} ${p.kind} written before ${p.erasedUpTo}: ${p.erased.dataKeys} data keys, ${p.erased.memoryValues} memory values, ${p.erased.ledgerEntries} step-ledger entries, ${p.erased.busMessages} bus messages`);
      out.line(`retention pass under bundle ${version}: ${applied.length} rules erased data`);
      if (!period) return 0;
      await new Promise((resolve) => setTimeout(resolve, period.data));
    }
  } finally {
    await lease.release();
  }
}
