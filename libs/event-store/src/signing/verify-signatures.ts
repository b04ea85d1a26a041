import { verifyChain, type ChainVerdict } from '../hash-chain';
import type { RecordedEvent } from '../port';
import { verifyCommitSignature } from './commit-signature';
import type { KeyRing } from './signing-keys';
import { writerOf } from './stream-writers';

/**
 * Each commit's signature (on its last event) must verify under a published key, valid when it signed, of the
 * service that writes this kind of stream. A failure names the first event of the commit: the signature covers
 * the commit as a whole (through the chain), so which of its events was changed cannot be told apart.
 * Events after the last signature are unsigned: a forger appended them, or a writer without a key.
 */
export function verifySignatures(records: readonly RecordedEvent[], keys: KeyRing): ChainVerdict {
  let firstUnsigned: RecordedEvent | undefined;
  for (const record of records) {
    firstUnsigned ??= record;
    const signature = record.signature;
    if (!signature) continue;
    const fail = (reason: string): ChainVerdict => {
      const first = firstUnsigned as RecordedEvent;
      const span = first.revision === record.revision ? '' : ` (events #${first.revision}–#${record.revision}, signed together)`;
      return { ok: false, revision: first.revision, eventId: first.event.id, reason: `${reason}${span}` };
    };
    const { key, problem } = keys.keyFor(signature);
    if (!key) return fail(`bad signature: ${problem}`);
    const writer = writerOf(record.stream);
    if (key.record.service !== writer) return fail(`bad signature: signed by ${key.record.service}, but ${writer ?? 'no service'} writes ${record.stream}`);
    if (!verifyCommitSignature(key.publicKey, record.stream, record.revision, record.hash, signature)) {
      return fail(`bad signature: the signature of key ${signature.keyId} (${key.record.service}) does not match the event (altered, and the chain recomputed)`);
    }
    firstUnsigned = undefined;
  }
  if (firstUnsigned) return { ok: false, revision: firstUnsigned.revision, eventId: firstUnsigned.event.id, reason: 'not signed: no writer signed this event (nor any after it)' };
  return { ok: true, events: records.length };
}

/** The hash chain first (an altered event whose hash was not recomputed), then who signed each commit. */
export function verifyStream(records: readonly RecordedEvent[], keys: KeyRing): ChainVerdict {
  const chain = verifyChain(records);
  return chain.ok ? verifySignatures(records, keys) : chain;
}
