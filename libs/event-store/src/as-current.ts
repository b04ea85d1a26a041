import { isEarlierVersion, isMessageType, parseMessage } from '@agentos/contracts';
import type { RecordedEvent } from './port';

/**
 * A recorded event of an earlier version the catalogue still reads, as its current version (upcast), so evolve,
 * replay and projections see one shape. The stored bytes are kept beside it (`recorded`): the chain hash and the
 * signatures cover those. An event no upcaster can read is left as recorded, for validation to name.
 */
export function asCurrent(record: RecordedEvent): RecordedEvent {
  const { event } = record;
  if (!isMessageType(event.type) || !isEarlierVersion(event.type, event.version)) return record;
  const parsed = parseMessage(event);
  return parsed.ok ? { ...record, event: parsed.message, recorded: event } : record;
}
