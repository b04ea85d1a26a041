import { principalOf, type MessageOf } from '@agentos/contracts';
import { followFacts, JetStreamClientProxy, type NatsConnector } from '@agentos/messaging';
import type { HandedRun } from '@agentos/orchestration';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Subscription } from 'nats';

/** Runs whose assignments are kept: more than are ever in flight at once; an older run is read from its history. */
const REMEMBERED_RUNS = 10_000;
/** Only the orchestrator hands out tasks; the broker lets no other principal publish under its name. */
const ORCHESTRATOR = principalOf({ kind: 'service', id: 'orchestrator' });

/**
 * Who each recent run handed its tasks to, and with which input labels, as the orchestrator announced it (TaskAssigned,
 * after recording it in the run's history), so a usage record or an agent's policy check is checked without reading
 * the run's history. It only ever adds holders, as the history does, and may lag or miss some (a core subscription:
 * not redelivered, empty after a restart): a claim it does not confirm is checked against the history itself.
 */
@Injectable()
export class AssignmentIndex implements OnModuleInit, OnModuleDestroy {
  private readonly runs = new LRUCache<string, HandedRun>({ max: REMEMBERED_RUNS });
  private subscription?: Subscription;

  constructor(private readonly bus: JetStreamClientProxy) {}

  async onModuleInit(): Promise<void> {
    const nc = await this.bus.unwrap<NatsConnector>().connection$();
    this.subscription = followFacts(nc, 'TaskAssigned', (assigned) => this.add(assigned), { principal: ORCHESTRATOR });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** What is known of the run's assignments, or undefined when nothing is. */
  of(runId: string): HandedRun | undefined {
    return this.runs.get(runId);
  }

  private add({ tenant, payload: { intentId, taskId, agent, instanceId, inputLabels } }: MessageOf<'TaskAssigned'>): void {
    const run = this.runs.get(intentId) ?? { tenant, assignments: {}, taskInputLabels: {} };
    // A run belongs to one tenant; a TaskAssigned naming another would be the orchestrator's bug: keep the first.
    if (run.tenant !== tenant) return;
    const holders = run.assignments[taskId] ?? [];
    if (!holders.some((h) => h.agent === agent && h.instanceId === instanceId)) run.assignments[taskId] = [...holders, { agent, instanceId }];
    run.taskInputLabels[taskId] = inputLabels;
    this.runs.set(intentId, run);
  }
}
