// Shared by the specs only; not exported from the package.
import type { AgentDescriptor } from '@agentos/contracts';
import type { Dispatch, Scheduler } from './scheduler';
import type { QueuedTask } from './strategy';

/** A live instance; by default one "summariser" slot offering "summarise". */
export const instance = (instanceId: string, overrides: Partial<AgentDescriptor> = {}): AgentDescriptor => ({
  name: 'summariser',
  version: '1.0.0',
  owner: 'team-a',
  capabilities: ['summarise'],
  concurrency: 1,
  instanceId,
  ...overrides,
});

export const task = (taskId: string, overrides: Partial<QueuedTask> = {}): QueuedTask => ({
  taskId,
  workflowId: 'wf-1',
  tenant: 'acme',
  priority: 'normal',
  target: { capability: 'summarise' },
  queuedAt: 0,
  ...overrides,
});

/** "task->instance" per dispatch: compact and exact in assertions. */
export const pairs = (dispatches: readonly Dispatch[]) => dispatches.map((d) => `${d.task.taskId}->${d.instance.instanceId}`);

/** Plans, then lets everything dispatched succeed, until nothing more is dispatched; returns task ids in dispatch order. */
export function runToEmpty(scheduler: Scheduler, instances: readonly AgentDescriptor[], now = 0): string[] {
  const order: string[] = [];
  for (let dispatches = scheduler.plan(instances, now); dispatches.length > 0; dispatches = scheduler.plan(instances, now)) {
    for (const { task: t } of dispatches) {
      order.push(t.taskId);
      scheduler.finished(t.taskId, 'succeeded', now);
    }
  }
  return order;
}
