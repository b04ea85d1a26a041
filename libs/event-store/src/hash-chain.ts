import { parseMessage, type Envelope } from '@agentos/contracts';
import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { InvalidEventError, type RecordedEvent } from './port';
import type { CommitSignature } from './signing/commit-signature';

/** SHA-256 over the RFC 8785 canonical JSON of the previous hash and the whole envelope. */
export function eventHash(prevHash: string, event: Envelope): string {
  return hash('sha256', canonicalJson({ prevHash, event }), 'hex');
}

export interface ChainedEvent {
  event: Envelope;
  prevHash: string;
  hash: string;
  signature?: CommitSignature;
}

/** Refuses an event its contract does not describe (checked on the message as made, before its tenant data is sealed). */
export function validateEvents(stream: string, events: readonly Envelope[]): void {
  for (const event of events) {
    const parsed = parseMessage(event);
    if (!parsed.ok) throw new InvalidEventError(stream, String((event as { id?: unknown }).id), parsed.error);
  }
}

/** Links each event (as stored: validated, then sealed) to the one before it. */
export function chainEvents(lastHash: string, events: readonly Envelope[]): ChainedEvent[] {
  let prevHash = lastHash;
  return events.map((event) => {
    const hash = eventHash(prevHash, event);
    const chained = { event, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

export type ChainVerdict = { ok: true; events: number } | { ok: false; revision: number; eventId: string; reason: string };

/** Walks a stream from its first event and reports the first broken link. */
export function verifyChain(records: readonly RecordedEvent[]): ChainVerdict {
  let prevHash = '';
  for (const [index, record] of records.entries()) {
    const fail = (reason: string): ChainVerdict => ({ ok: false, revision: record.revision, eventId: record.event.id, reason });
    if (record.revision !== index) return fail(`expected revision ${index}, found ${record.revision}`);
    if (record.prevHash !== prevHash) return fail('its link to the previous event does not match that event (an event was removed, inserted or altered before it)');
    if (eventHash(prevHash, record.recorded ?? record.event) !== record.hash) return fail('its content does not match its recorded hash (the event was altered)');
    prevHash = record.hash;
  }
  return { ok: true, events: records.length };
}
