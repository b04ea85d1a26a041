import type { AnyMessage, MessageOf, QueryType, ReplyOf } from '@agentos/contracts';
import type { Log, MessagePublisher } from '@agentos/messaging';
import type { Redactor } from '@agentos/secrets';

export type TaskPublisher = Pick<MessagePublisher, 'publish' | 'request'>;

/** A value with every secret read so far replaced; free until the first secret is read. */
export const redacting =
  (redactor: Redactor) =>
  <T>(value: T): T =>
    redactor.size === 0 ? value : redactor.redactDeep(value);

/**
 * Everything an agent sends passes through here, so a secret it read never leaves the process in an
 * event, a query or a log line (the tool it was read for gets it, nothing else). Free until the
 * first secret is read.
 */
export function redactingPublisher(publisher: MessagePublisher, redactor: Redactor): TaskPublisher {
  const clean = redacting(redactor);
  return {
    publish: (message: AnyMessage) => publisher.publish(clean(message)),
    request: <T extends QueryType>(query: MessageOf<T>, timeoutMs?: number): Promise<ReplyOf<T>> => publisher.request(clean(query), timeoutMs),
  } as TaskPublisher;
}

export function redactingLog(log: Log, redactor: Redactor): Log {
  const clean = redacting(redactor);
  return {
    info: (fields, message) => log.info(clean(fields), message && clean(message)),
    warn: (fields, message) => log.warn(clean(fields), message && clean(message)),
    error: (fields, message) => log.error(clean(fields), message && clean(message)),
  };
}
