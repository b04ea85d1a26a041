import { persistently, type Log } from '@agentos/messaging';
import { isInfrastructureError } from './infrastructure';
import type { TaskPublisher } from './redaction';

/**
 * What a task's code sends (progress, usage, memory, policy and screening queries) waits while NATS or
 * the service it asks is away, until `signal` aborts (the task's deadline or a kill), rather than
 * throwing into the agent's code: a restart of nats-server is no reason for a task to fail.
 * Other errors (a refusal, a bad request) reach the code at once.
 */
export function patientPublisher(publisher: TaskPublisher, signal: AbortSignal, log: Log): TaskPublisher {
  const patience = { retryIf: isInfrastructureError, signal };
  return {
    publish: (message) => persistently(message.type, () => publisher.publish(message), log, { ...patience, fields: { id: message.id } }),
    request: (query, timeoutMs) => persistently(`${query.type} query`, () => publisher.request(query, timeoutMs), log, { ...patience, fields: { id: query.id } }),
  } as TaskPublisher;
}
