import { CATALOG, createMessage, decodeMessage, type AnyMessage, type MessageOf, type Origin } from '@agentos/contracts';
import type { JetStreamClient } from 'nats';

const STREAM = 'AGENTOS_DEAD_LETTERS';

export type DeadLetter = MessageOf<'MessageDeadLettered'>;
export type Redrive = MessageOf<'RedriveDeadLetter'>;

export interface DeadLetterFile {
  letters: DeadLetter[];
  /** The redrive of each letter redriven, by letter id. */
  redrives: Map<string, Redrive>;
}

export interface DeadLetterFilter {
  service?: string;
  reason?: string;
  /** Parked at or after this instant (ms). */
  since?: number;
}

/** Everything in the dead-letter stream, read once with an ordered consumer: the letters and the records of their redrives. */
export async function readDeadLetters(js: JetStreamClient): Promise<DeadLetterFile> {
  const file: DeadLetterFile = { letters: [], redrives: new Map() };
  // No stream yet: nothing was ever parked (the services create it when they start).
  const consumer = await js.consumers.get(STREAM).catch((error: Error) => {
    if (/stream not found/i.test(error.message)) return undefined;
    throw error;
  });
  if (!consumer) return file;
  const { num_pending: pending } = await consumer.info();
  if (pending === 0) return file;
  for await (const stored of await consumer.fetch({ max_messages: pending, expires: 10_000 })) {
    const parsed = decodeMessage(stored.data);
    if (parsed.ok && parsed.message.type === 'MessageDeadLettered') file.letters.push(parsed.message);
    if (parsed.ok && parsed.message.type === 'RedriveDeadLetter') file.redrives.set(parsed.message.payload.letterId, parsed.message);
    if (stored.info.pending === 0) break;
  }
  return file;
}

export const matchesLetter = (letter: DeadLetter, filter: DeadLetterFilter): boolean =>
  (!filter.service || letter.payload.service === filter.service) &&
  (!filter.reason || letter.payload.reason === filter.reason) &&
  (filter.since === undefined || Date.parse(letter.occurredAt) >= filter.since);

/**
 * The message that redrives a letter, or why it cannot be. The original's sender tokens are its first sender's,
 * which the operator may not use: re-published as it was, it would be the operator forging that principal's
 * message (or, with the broker's permissions, refused). So the original's content is re-sent as a new message of
 * the operator's own, caused by the letter, in the same conversation; the broker decides whether the operator may
 * send that type at all, and its consumer whether the operator may say it.
 */
export function redriveOf(letter: DeadLetter, operator: Origin): AnyMessage {
  const original = decodeMessage(Buffer.from(letter.payload.original));
  if (!original.ok) throw new Error(`the original still fails validation: ${original.error}`);
  const { type, tenant, correlationId, traceparent, payload } = original.message;
  if (CATALOG[type].kind === 'query') throw new Error(`the original is a ${type} query: its asker had its answer (or gave up); ask again instead`);
  if (tenant !== operator.tenant) throw new Error(`the original belongs to tenant ${tenant}: redrive it acting for that tenant (--tenant ${tenant}), if you may`);
  const resent = createMessage(type, payload as never, { ...operator, correlationId, traceparent });
  return { ...resent, causationId: letter.id } as AnyMessage;
}
