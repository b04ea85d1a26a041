import { durationMs } from '@agentos/config';
import { EventSigner, JetStreamEventStore, anchorStreams, auditStreams, proveInclusion, readKeyRing, signingKeySecretName } from '@agentos/event-store';
import { secretStoreFromEnv } from '@agentos/secrets';
import type { Output } from '../output';
import type { Session } from '../session';

/** The audit job's key: anchors are signed by a key no service holds, so no service can forge one. */
export async function auditSigner(): Promise<EventSigner> {
  const name = signingKeySecretName('audit');
  const secrets = secretStoreFromEnv(process.env);
  const secret = await secrets.get(name);
  if (!secret) throw new Error(`no signing key ${name} in ${secrets.name}: run \`agentos keys rotate audit\` as the admin first`);
  return EventSigner.fromSecret(secret);
}

/**
 * Appends the Merkle root of every stream's head to the anchor log, once or every `every` (a job beside the
 * services; stop it with a signal). Writes the event store: run it with the admin's credentials.
 */
export async function auditAnchor(session: Session, every: string | undefined, out: Output): Promise<number> {
  if (session.settings.esdbUrl) throw new Error('anchors cover the JetStream event store only (EventStoreDB cannot list its streams here)');
  const period = every === undefined ? undefined : durationMs(0).safeParse(every);
  if (period && !period.success) throw new Error(`--every: ${period.error.issues[0].message}`);
  const store = new JetStreamEventStore(session.connector, { retryAttempts: 2, signer: await auditSigner() });
  for (;;) {
    const anchor = await anchorStreams(store, await readKeyRing(session.connector));
    out.data({ anchored: { id: anchor.id, at: anchor.occurredAt, treeSize: anchor.payload.treeSize, root: anchor.payload.root } });
    const unverified = anchor.payload.heads.filter((h) => !h.verified).map((h) => h.stream);
    out.line(`anchored ${anchor.payload.treeSize} streams at ${anchor.occurredAt}: root ${anchor.payload.root}`);
    if (unverified.length > 0) out.line(`not verified (anchored, but see \`agentos audit verify\`): ${unverified.join(', ')}`);
    if (!period) return 0;
    await new Promise((resolve) => setTimeout(resolve, period.data));
  }
}

/** Every stream against the latest anchor and its own chain and signatures; exit 1 naming each stream at fault. */
export async function auditVerify(session: Session, out: Output): Promise<number> {
  const result = await auditStreams(session.store, await readKeyRing(session.connector));
  const anchor = result.anchor;
  out.data({ anchor: anchor && { revision: anchor.record.revision, at: anchor.record.event.occurredAt, treeSize: anchor.anchor.treeSize, root: anchor.anchor.root }, streams: result.streams, findings: result.findings });
  out.line(anchor ? `latest anchor #${anchor.record.revision} (${anchor.record.event.occurredAt}): ${anchor.anchor.treeSize} streams, root ${anchor.anchor.root}` : 'no anchor yet: only chains and signatures are checked (run `agentos audit anchor`)');
  for (const { stream, problem } of result.findings) out.line(`FAILED ${stream}: ${problem}`);
  out.line(result.findings.length === 0 ? `${result.streams} streams verified` : `${result.findings.length} problems in ${result.streams} streams`);
  return result.findings.length === 0 ? 0 : 1;
}

/** The inclusion proof of a stream's anchored head, as JSON: checkable offline (README, "Anchors"). */
export async function auditProof(session: Session, stream: string, out: Output): Promise<number> {
  const proof = await proveInclusion(session.store, await readKeyRing(session.connector), stream);
  out.data(proof);
  out.line(JSON.stringify(proof, null, 2));
  return 0;
}
