import { isUuid, type Envelope, type MessageOf } from '@agentos/contracts';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@agentos/event-store';
import { workflowStream } from '@agentos/orchestration';
import { matches, runOutcome, stateAt, workflowRows, type WorkflowFilter, type WorkflowRow } from '@agentos/replay';
import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { seesTenant } from '@agentos/identity';
import type { GatewayPrincipal } from '../access/gateway-tokens';
import type { RunView } from '../api-schemas';
import { invalidRequest, notFound } from '../http/problem';

const RECORDED_POLL_MS = 100;
const START_TYPES = ['IntentSubmitted', 'WorkflowStarted'];

/** The run's tenant: its start's, else its first event's (a workflow rejected before it started). */
export const tenantOfRun = (records: readonly RecordedEvent[]): string => (records.find((r) => START_TYPES.includes(r.event.type)) ?? records[0]).event.tenant;

/**
 * Runs as the event store recorded them, read with the gateway's own (read-only) user and shown only to a
 * principal of the run's tenant (or the platform's): another tenant's run is answered as unknown, so its
 * existence does not leak.
 */
@Injectable()
export class RunReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * A run's history; 400 for an id that is no UUID, 404 for none or another tenant's. `waitMs`: how long to wait
   * for a run that is not recorded yet (one accepted a moment ago is recorded once the orchestrator handled it).
   */
  async history(principal: GatewayPrincipal, id: string, { fromRevision = 0, waitMs = 0 } = {}): Promise<RecordedEvent[]> {
    if (!isUuid(id)) throw invalidRequest([{ path: 'id', message: 'must be a run id (a UUID)' }]);
    const deadline = Date.now() + waitMs;
    let first = await this.store.readStream(workflowStream(id), { maxCount: 1 });
    while (first.length === 0 && Date.now() < deadline) {
      await sleep(RECORDED_POLL_MS);
      first = await this.store.readStream(workflowStream(id), { maxCount: 1 });
    }
    if (first.length === 0 || !seesTenant(principal, tenantOfRun(first))) throw notFound(`unknown run ${id}`);
    return this.after(id, fromRevision);
  }

  /** The events of a run (already admitted by history) from a revision on. */
  after(id: string, fromRevision: number): Promise<RecordedEvent[]> {
    return this.store.readStream(workflowStream(id), { fromRevision });
  }

  async truncatedFrom(id: string): Promise<number | undefined> {
    return this.store.truncatedFrom?.(workflowStream(id));
  }

  /** Every run the principal may see that matches, newest activity first (a scan of the store, as `agentos workflows ls`). */
  async list(principal: GatewayPrincipal, filter: WorkflowFilter): Promise<WorkflowRow[]> {
    return workflowRows(await this.store.readAll()).filter((row) => seesTenant(principal, row.tenant) && matches(row, filter));
  }

}

/** A run as GET /v1/runs/{id} shows it: how it ended (or that it has not), where each step stands, what it spent. */
export function runView(id: string, records: readonly RecordedEvent[]): z.input<typeof RunView> {
  const events = records.map((r) => r.event);
  const outcome = runOutcome(events);
  const now = stateAt(records, String(records[records.length - 1].revision));
  const start = events.find((e) => START_TYPES.includes(e.type)) as Envelope | undefined;
  const name = start?.type === 'WorkflowStarted' ? (start as MessageOf<'WorkflowStarted'>).payload.definition.name : (start as MessageOf<'IntentSubmitted'> | undefined)?.payload.capability;
  const steps = Object.fromEntries(
    Object.entries(now.state.steps).map(([stepId, step]) => [stepId, { status: step.status, attempt: step.attempt, instanceId: step.instanceId, output: step.output, error: step.error }]),
  );
  return {
    id,
    kind: now.state.kind,
    name,
    tenant: tenantOfRun(records),
    status: outcome.status,
    phase: now.state.status,
    reason: outcome.reason,
    failedStep: outcome.failedStep,
    output: (outcome.event?.payload as { output?: unknown } | undefined)?.output,
    steps,
    spent: now.spent,
    startedAt: events[0].occurredAt,
    lastAt: events[events.length - 1].occurredAt,
    events: events.length,
  };
}
