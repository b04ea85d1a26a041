import { createMessage, newId } from '@agentos/contracts';
import { JetStreamEventStore } from '@agentos/event-store';
import { NatsConnector, RefusedMessage } from '@agentos/messaging';
import { workflowStream } from '@agentos/orchestration';
import { startNatsServer, type NatsServerHandle } from '@agentos/testing';
import { fenceRun, refusedOnlyAsStored } from './run-fence';

const orchestrator = { kind: 'service' as const, id: 'orchestrator' };
const origin = { tenant: 'acme', actor: orchestrator };

describe('fenceRun: a replica taking a run over fences out the one that decided it before', () => {
  let nats: NatsServerHandle;
  let connector: NatsConnector;

  beforeAll(async () => {
    nats = await startNatsServer();
    connector = new NatsConnector({ servers: nats.url, name: 'run-fence-spec' });
  });

  afterAll(async () => {
    await connector.close();
    await nats.stop();
  });

  const openRun = async (store: JetStreamEventStore) => {
    const runId = newId();
    await store.append(workflowStream(runId), [createMessage('IntentSubmitted', { intentId: runId, goal: 'g', capability: 'summarise', input: {} }, origin)], { expectedRevision: 'no_stream' });
    return runId;
  };
  const types = async (store: JetStreamEventStore, runId: string) => (await store.readStream(workflowStream(runId))).map((r) => r.event.type);

  it("refuses the previous owner's next decision, made on what it last read (its own writes, from memory)", async () => {
    // Each replica is the sole writer of its runs' streams: it reads them from memory.
    const [previous, next] = [new JetStreamEventStore(connector, { soleWriter: true }), new JetStreamEventStore(connector, { soleWriter: true })];
    const runId = await openRun(previous);
    const history = await fenceRun(next, { runId, partition: 3, owner: 'orchestrator-b', actor: orchestrator });
    expect(history.map((e) => e.type)).toEqual(['IntentSubmitted', 'RunOwnerChanged']);
    expect(history[1].payload).toEqual({ runId, partition: 3, owner: 'orchestrator-b' });
    // The previous owner, frozen meanwhile, wakes and decides on revision 0, as it remembers the run.
    expect(await types(previous, runId)).toEqual(['IntentSubmitted']);
    const stale = createMessage('TaskQueued', { taskId: newId(), intentId: runId, stepId: 's', attempt: 1, target: { capability: 'summarise' }, input: {}, priority: 'normal', timeoutMs: 1_000, deadline: new Date().toISOString() }, origin);
    await expect(previous.append(workflowStream(runId), [stale], { expectedRevision: 0 })).rejects.toMatchObject({ name: 'WrongExpectedRevisionError' });
    expect(await types(next, runId)).toEqual(['IntentSubmitted', 'RunOwnerChanged']);
  });

  it('reads a decision that raced in before it, and fences after it', async () => {
    const [previous, next] = [new JetStreamEventStore(connector, { soleWriter: true }), new JetStreamEventStore(connector, { soleWriter: true })];
    const runId = await openRun(next); // read by the next owner earlier (its own cache now holds revision 0)...
    await previous.append(workflowStream(runId), [createMessage('ApprovalRequested', { intentId: runId, rule: null, reason: 'r' }, origin)], { expectedRevision: 'any' });
    // ...so its first fence expects revision 0, is refused, and the retry reads the previous owner's decision first.
    const history = await fenceRun(next, { runId, partition: 0, owner: 'orchestrator-b', actor: orchestrator });
    expect(history.map((e) => e.type)).toEqual(['IntentSubmitted', 'ApprovalRequested', 'RunOwnerChanged']);
    expect(await types(new JetStreamEventStore(connector), runId)).toEqual(['IntentSubmitted', 'ApprovalRequested', 'RunOwnerChanged']);
  });

  it('parks on the stored history only: a replica that lost the run refuses on what it remembers, then decides on the run as stored', async () => {
    const [previous, next] = [new JetStreamEventStore(connector, { soleWriter: true }), new JetStreamEventStore(connector, { soleWriter: true })];
    const runId = await openRun(previous);
    await fenceRun(next, { runId, partition: 1, owner: 'orchestrator-b', actor: orchestrator });
    await next.append(workflowStream(runId), [createMessage('ApprovalRequested', { intentId: runId, rule: null, reason: 'r' }, origin)], { expectedRevision: 1 });
    // A check that refuses what the run never did (as a report of a task it never assigned is refused).
    const approvalAsked = async (latest: boolean) => {
      const seen = (await previous.readStream(workflowStream(runId), latest ? { latest: true } : undefined)).map((r) => r.event.type);
      if (!seen.includes('ApprovalRequested')) throw new RefusedMessage('the run never asked for approval');
      return seen;
    };
    await expect(approvalAsked(false)).rejects.toBeInstanceOf(RefusedMessage); // the previous owner's memory: stale
    await expect(refusedOnlyAsStored(() => approvalAsked(false), () => approvalAsked(true))).resolves.toEqual(['IntentSubmitted', 'RunOwnerChanged', 'ApprovalRequested']);
    // A refusal the stored history shares stands; any other failure is not tried again.
    await expect(refusedOnlyAsStored(() => Promise.reject(new RefusedMessage('no')), () => Promise.reject(new RefusedMessage('still no')))).rejects.toThrow('still no');
    let asked = 0;
    await expect(refusedOnlyAsStored(() => Promise.reject(new Error('NATS away')), async () => (asked += 1))).rejects.toThrow('NATS away');
    expect(asked).toBe(0);
  });

  it('leaves a settled run as it is', async () => {
    const store = new JetStreamEventStore(connector, { soleWriter: true });
    const runId = await openRun(store);
    await store.append(workflowStream(runId), [createMessage('IntentRejected', { intentId: runId, reason: 'no', rule: null }, origin)], { expectedRevision: 0 });
    expect((await fenceRun(store, { runId, partition: 0, owner: 'o', actor: orchestrator })).map((e) => e.type)).toEqual(['IntentSubmitted', 'IntentRejected']);
  });
});
