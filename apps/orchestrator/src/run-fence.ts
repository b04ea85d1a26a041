import { createMessage, type Actor, type Envelope } from '@agentos/contracts';
import { fold } from '@agentos/decider';
import { WrongExpectedRevisionError, type EventStore } from '@agentos/event-store';
import { RefusedMessage } from '@agentos/messaging';
import { isSettled, orchestrationDecider, workflowStream } from '@agentos/orchestration';

/**
 * A run's history once RunOwnerChanged is recorded at its end (an open run's), for the replica taking the run over.
 * The replica that decided the run before may not know yet that it lost the partition (frozen, cut off): a decision it
 * still makes expects a revision this has moved past, so the event store refuses it. Restoring from a history that
 * replica could still add to would leave the new owner's scheduler and timers behind it. A write that raced in first
 * is read, then fenced. Settled and empty runs are returned as they are.
 */
export async function fenceRun(store: EventStore, run: { runId: string; partition: number; owner: string; actor: Actor }): Promise<Envelope[]> {
  const stream = workflowStream(run.runId);
  for (;;) {
    // As the store holds it: this replica may have decided the run before, and another since.
    const history = (await store.readStream(stream, { latest: true })).map((r) => r.event);
    if (history.length === 0 || isSettled(fold(orchestrationDecider, history))) return history;
    const changed = createMessage('RunOwnerChanged', { runId: run.runId, partition: run.partition, owner: run.owner }, { tenant: history[0].tenant, actor: run.actor, correlationId: history[0].correlationId });
    try {
      await store.append(stream, [changed], { expectedRevision: history.length - 1 });
      return [...history, changed];
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}

/**
 * Runs `remembered` (on the run as this replica remembers it) and, if it refuses, `asStored` (on the run as the event
 * store holds it now): a message is parked only on the stored history's word. A replica that lost the run's partition
 * without knowing it yet remembers a history that another replica has added to since (a task it assigned, which the
 * remembered one never did); refusing on that would park a valid report for good.
 */
export async function refusedOnlyAsStored<T>(remembered: () => Promise<T>, asStored: () => Promise<T>): Promise<T> {
  try {
    return await remembered();
  } catch (error) {
    if (!(error instanceof RefusedMessage)) throw error;
    return asStored();
  }
}
