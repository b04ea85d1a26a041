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

/**
 * The hash chain first (an altered event whose hash was not recomputed), then who signed each commit. `verified`:
 * a head this stream was verified up to before (the end of a signed commit). When the chain still links up to that
 * very hash, the events up to it are the ones verified then, and only the signatures after it are checked: a
 * re-read costs SHA-256 per event, not Ed25519 per commit.
 */
export function verifyStream(records: readonly RecordedEvent[], keys: KeyRing, verified?: { revision: number; hash: string }): ChainVerdict {
  const chain = verifyChain(records);
  if (!chain.ok) return chain;
  const from = verified && records[verified.revision]?.hash === verified.hash ? verified.revision + 1 : 0;
  const rest = verifySignatures(records.slice(from), keys);
  return rest.ok ? chain : rest;
}
