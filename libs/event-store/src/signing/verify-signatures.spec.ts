import { createMessage, newId, type Envelope } from '@agentos/contracts';
import { eventHash } from '../hash-chain';
import { InMemoryEventStore } from '../in-memory.event-store';
import type { RecordedEvent } from '../port';
import { EventSigner, generateSigningKey } from './commit-signature';
import { KeyRing, type SigningKeyRecord } from './signing-keys';
import { verifyStream } from './verify-signatures';

const origin = { tenant: 'acme', actor: { kind: 'user', id: 'alice' } } as const;
const submitted = (goal = 'g'): Envelope => createMessage('IntentSubmitted', { intentId: newId(), goal, capability: 'echo' }, origin);

function key(service: string, validFrom = '2020-01-01T00:00:00.000Z', validUntil?: string) {
  const made = generateSigningKey();
  const record: SigningKeyRecord = { keyId: made.keyId, service, publicKey: made.publicKey, validFrom, ...(validUntil ? { validUntil } : {}) };
  return { signer: EventSigner.fromSecret(made.secret), record };
}

/** Rewrites one event and recomputes every later hash, keeping the signatures: what a forger without a key can do. */
function forge(records: RecordedEvent[], revision: number, goal: string): RecordedEvent[] {
  let prevHash = records[revision].prevHash;
  return records.map((record) => {
    if (record.revision < revision) return record;
    const event = record.revision === revision ? { ...record.event, payload: { ...(record.event.payload as object), goal } } : record.event;
    const hash = eventHash(prevHash, event as Envelope);
    const forged = { ...record, event: event as Envelope, prevHash, hash };
    prevHash = hash;
    return forged;
  });
}

describe('signed commits', () => {
  it('given appends signed by the stream\'s writer, when verified, then every event is vouched for', async () => {
    const orchestrator = key('orchestrator');
    const store = new InMemoryEventStore(orchestrator.signer);
    await store.append('workflow-1', [submitted(), submitted()]);
    await store.append('workflow-1', [submitted()]);
    const records = await store.readStream('workflow-1');
    expect(records.map((r) => Boolean(r.signature))).toEqual([false, true, true]);
    expect(verifyStream(records, new KeyRing([orchestrator.record]))).toEqual({ ok: true, events: 3 });
  });

  it('given an event rewritten and the chain recomputed, when verified, then its commit is named: bad signature', async () => {
    const orchestrator = key('orchestrator');
    const store = new InMemoryEventStore(orchestrator.signer);
    for (let i = 0; i < 4; i += 1) await store.append('workflow-1', [submitted(`goal ${i}`)]);
    const forged = forge(await store.readStream('workflow-1'), 2, 'send the money elsewhere');
    const verdict = verifyStream(forged, new KeyRing([orchestrator.record]));
    expect(verdict).toMatchObject({ ok: false, revision: 2, eventId: forged[2].event.id });
    expect(!verdict.ok && verdict.reason).toMatch(/^bad signature: the signature of key \w+ \(orchestrator\) does not match/);
  });

  it('given a commit of several events forged, when verified, then the verdict names the commit\'s first event and its span', async () => {
    const orchestrator = key('orchestrator');
    const store = new InMemoryEventStore(orchestrator.signer);
    await store.append('workflow-1', [submitted()]);
    await store.append('workflow-1', [submitted(), submitted(), submitted()]);
    const verdict = verifyStream(forge(await store.readStream('workflow-1'), 2, 'x'), new KeyRing([orchestrator.record]));
    expect(verdict).toMatchObject({ ok: false, revision: 1 });
    expect(!verdict.ok && verdict.reason).toMatch(/events #1–#3, signed together/);
  });

  it('given another service\'s key, an unpublished key, or a key used after its rotation, when verified, then the signature does not count', async () => {
    const registry = key('registry');
    const stranger = key('orchestrator');
    const retired = key('orchestrator', '2020-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z');
    const cases: Array<[EventSigner, SigningKeyRecord[], RegExp]> = [
      [registry.signer, [registry.record], /signed by registry, but orchestrator writes workflow-1/],
      [stranger.signer, [registry.record], /which was never published/],
      [retired.signer, [retired.record], /valid 2020-01-01T00:00:00.000Z to 2021-01-01T00:00:00.000Z/],
    ];
    for (const [signer, published, reason] of cases) {
      const store = new InMemoryEventStore(signer);
      await store.append('workflow-1', [submitted()]);
      const verdict = verifyStream(await store.readStream('workflow-1'), new KeyRing(published));
      expect(verdict).toMatchObject({ ok: false, revision: 0 });
      expect(!verdict.ok && verdict.reason).toMatch(reason);
    }
  });

  it('given events appended without a key after signed ones, when verified, then the first unsigned one is named', async () => {
    const orchestrator = key('orchestrator');
    const store = new InMemoryEventStore(orchestrator.signer);
    await store.append('workflow-1', [submitted()]);
    const records = await store.readStream('workflow-1');
    const unsigned = new InMemoryEventStore();
    await unsigned.append('workflow-1', [records[0].event]);
    await unsigned.append('workflow-1', [submitted()]);
    const appended = (await unsigned.readStream('workflow-1'))[1];
    const verdict = verifyStream([records[0], appended], new KeyRing([orchestrator.record]));
    expect(verdict).toMatchObject({ ok: false, revision: 1, reason: expect.stringMatching(/^not signed/) });
  });

  it('refuses a key record whose id is not its public key\'s', () => {
    const a = key('orchestrator');
    const b = key('orchestrator');
    expect(() => new KeyRing([{ ...a.record, publicKey: b.record.publicKey }])).toThrow(/the id is not that of its public key/);
  });
});

describe('verifying again from a head verified before', () => {
  it('checks only the signatures after the head, and nothing is skipped once the head no longer matches', async () => {
    const orchestrator = key('orchestrator');
    const store = new InMemoryEventStore(orchestrator.signer);
    for (let i = 0; i < 4; i += 1) await store.append('workflow-1', [submitted(`goal ${i}`)]);
    const records = await store.readStream('workflow-1');
    const head = { revision: 3, hash: records[3].hash };
    const ring = new KeyRing([orchestrator.record]);
    expect(verifyStream(records, ring, head)).toEqual({ ok: true, events: 4 });
    // A record's signature after the head still counts; a forged head is no longer the one verified.
    const forged = forge(records, 1, 'x');
    expect(verifyStream(forged, ring, head)).toMatchObject({ ok: false, revision: 1 });
    const unsignedAfter = [...records, { ...records[3], revision: 4, prevHash: records[3].hash, hash: eventHash(records[3].hash, records[3].event), signature: undefined }];
    expect(verifyStream(unsignedAfter, ring, head)).toMatchObject({ ok: false, revision: 4, reason: expect.stringMatching(/^not signed/) });
  });
});
