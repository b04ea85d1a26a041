import { decodeMessage, subjectMismatch, type MessageOf, type StreamMessageType, type ValidationIssue } from '@agentos/contracts';

/** A delivered message as its consumer may act on it, or why not (`undecodable`: not even a valid envelope). */
export type DeliveryCheck<T extends StreamMessageType> = { ok: true; message: MessageOf<T> } | { ok: false; undecodable: boolean; error: string; issues: ValidationIssue[] };

/**
 * What every reader of a stream-backed type checks first (MessageWorker, FactView, followFacts): the bytes are a valid
 * envelope, of the type read, whose envelope agrees with the subject it came on. The subject carries the routing and,
 * by the broker's permissions, the sender: an envelope that disagrees is forged.
 */
export function checkDelivery<T extends StreamMessageType>(type: T, data: Uint8Array, subject: string): DeliveryCheck<T> {
  const parsed = decodeMessage(data);
  if (!parsed.ok) return { ok: false, undecodable: true, error: parsed.error, issues: parsed.issues };
  if (parsed.message.type !== type) {
    const error = `type "${parsed.message.type}" does not belong on ${subject} (expected ${type})`;
    return { ok: false, undecodable: false, error, issues: [{ path: 'type', message: error }] };
  }
  const mismatch = subjectMismatch(parsed.message, subject);
  if (mismatch) return { ok: false, undecodable: false, error: mismatch, issues: [{ path: 'subject', message: mismatch }] };
  return { ok: true, message: parsed.message as MessageOf<T> };
}
