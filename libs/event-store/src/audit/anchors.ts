import { createMessage, type MessageOf } from '@agentos/contracts';
import type { EventStore, RecordedEvent } from '../port';
import type { KeyRing } from '../signing/signing-keys';
import { verifyStream } from '../signing/verify-signatures';
import { inclusionProof, leafHash, merkleRoot } from './merkle';

/** The anchor log: its own stream, appended to only by the audit job (key `audit`), never rewritten. */
export const ANCHOR_STREAM = 'audit-anchors';

export interface StreamHead {
  stream: string;
  revision: number;
  hash: string;
  verified: boolean;
}

/** A leaf's bytes: the stream, its last revision and that event's hash, one per line (stream names hold no newline). */
export const headLeaf = (head: StreamHead): string => `${head.stream}\n${head.revision}\n${head.hash}`;

/** Leaves in stream-name order (code-unit order), so a tree is the same whoever computes it. */
const ordered = (heads: readonly StreamHead[]) => [...heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));

export function anchorOf(heads: readonly StreamHead[]): MessageOf<'StreamHeadsAnchored'>['payload'] {
  const sorted = ordered(heads);
  return { treeSize: sorted.length, root: merkleRoot(sorted.map((h) => leafHash(headLeaf(h)))), heads: sorted };
}

/**
 * Every stream but the anchor log itself, each at its newest event, verified from the head the latest anchor
 * verified it to (so each anchor checks only what is new).
 */
async function currentHeads(store: EventStore, keys: KeyRing, previous?: LatestAnchor): Promise<StreamHead[]> {
  if (!store.streamNames) throw new Error('this event store cannot list its streams, so it cannot be anchored');
  const before = new Map((previous?.anchor.heads ?? []).filter((h) => h.verified).map((h) => [h.stream, h]));
  const heads: StreamHead[] = [];
  for (const stream of await store.streamNames()) {
    if (stream === ANCHOR_STREAM) continue;
    const records = await store.readStream(stream);
    const last = records.at(-1);
    if (last) heads.push({ stream, revision: last.revision, hash: last.hash, verified: verifyStream(records, keys, before.get(stream)).ok });
  }
  return heads;
}

/**
 * Folds every stream's head into a tree and appends its root to the anchor log (signed by the store's signer). A
 * stream that fails verification is anchored all the same (its deletion must still show), marked unverified.
 */
export async function anchorStreams(store: EventStore, keys: KeyRing): Promise<MessageOf<'StreamHeadsAnchored'>> {
  const heads = await currentHeads(store, keys, await latestAnchor(store, keys));
  const anchor = createMessage('StreamHeadsAnchored', anchorOf(heads), { tenant: 'system', actor: { kind: 'service', id: 'audit' } });
  await store.append(ANCHOR_STREAM, [anchor]);
  return anchor;
}

export interface LatestAnchor {
  record: RecordedEvent;
  anchor: MessageOf<'StreamHeadsAnchored'>['payload'];
}

/** The newest anchor, after checking the anchor log itself (chain and signatures) and that its root is its heads'. */
export async function latestAnchor(store: EventStore, keys: KeyRing): Promise<LatestAnchor | undefined> {
  const log = await store.readStream(ANCHOR_STREAM);
  if (log.length === 0) return undefined;
  const verdict = verifyStream(log, keys);
  if (!verdict.ok) throw new Error(`the anchor log ${ANCHOR_STREAM} is not intact: event #${verdict.revision}: ${verdict.reason}`);
  const record = log[log.length - 1];
  const anchor = record.event.payload as LatestAnchor['anchor'];
  if (anchorOf(anchor.heads).root !== anchor.root) throw new Error(`anchor #${record.revision} of ${ANCHOR_STREAM}: its root is not that of its heads`);
  return { record, anchor };
}

export interface AuditFinding {
  stream: string;
  problem: string;
}

/**
 * Every stream against the latest anchor (a head that went backwards, changed or disappeared) and on its own
 * (chain and signatures, also of streams begun since the anchor).
 */
export async function auditStreams(store: EventStore, keys: KeyRing): Promise<{ anchor?: LatestAnchor; streams: number; findings: AuditFinding[] }> {
  const latest = await latestAnchor(store, keys);
  const anchored = new Map((latest?.anchor.heads ?? []).map((h) => [h.stream, h]));
  const names = new Set([...(store.streamNames ? await store.streamNames() : []), ...anchored.keys()]);
  names.delete(ANCHOR_STREAM);
  const findings: AuditFinding[] = [];
  for (const stream of [...names].sort()) {
    const records = await store.readStream(stream);
    const head = anchored.get(stream);
    const last = records.at(-1);
    if (head && !last) findings.push({ stream, problem: `disappeared: anchored at revision ${head.revision}, no events now` });
    else if (head && last && last.revision < head.revision) findings.push({ stream, problem: `went backwards: its head is revision ${last.revision}, anchored at ${head.revision}` });
    else if (head && records.find((r) => r.revision === head.revision)?.hash !== head.hash) findings.push({ stream, problem: `changed: event #${head.revision} is not the one anchored (hash ${head.hash.slice(0, 12)}…)` });
    if (records.length === 0) continue;
    const verdict = verifyStream(records, keys, head?.verified ? head : undefined);
    if (!verdict.ok) findings.push({ stream, problem: `event #${verdict.revision} (${verdict.eventId}): ${verdict.reason}` });
  }
  return { anchor: latest, streams: names.size, findings };
}

export interface InclusionProof {
  stream: string;
  /** The leaf's exact text (hash it with a 0x00 byte in front). */
  leaf: string;
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes, nearest first (RFC 9162 2.1.3.2). */
  proof: string[];
  root: string;
  /** Where the root is recorded and who signed it. */
  anchor: { stream: string; revision: number; eventId: string; hash: string; signature?: RecordedEvent['signature'] };
}

/** The inclusion proof of a stream's anchored head in the latest anchor's tree. */
export async function proveInclusion(store: EventStore, keys: KeyRing, stream: string): Promise<InclusionProof> {
  const latest = await latestAnchor(store, keys);
  if (!latest) throw new Error(`no anchor yet: run \`agentos audit anchor\` first`);
  const { anchor, record } = latest;
  const index = anchor.heads.findIndex((h) => h.stream === stream);
  if (index < 0) throw new Error(`stream ${stream} is not in the latest anchor (#${record.revision}, ${record.event.occurredAt})`);
  const leaf = headLeaf(anchor.heads[index]);
  return {
    stream,
    leaf,
    leafIndex: index,
    treeSize: anchor.treeSize,
    proof: inclusionProof(index, anchor.heads.map((h) => leafHash(headLeaf(h)))),
    root: anchor.root,
    anchor: { stream: ANCHOR_STREAM, revision: record.revision, eventId: record.event.id, hash: record.hash, signature: record.signature },
  };
}
