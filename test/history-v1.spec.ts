import { asCurrent, InMemoryEventStore, KeyRing, verifyStream, type RecordedEvent, type SigningKeyRecord } from '@agentos/event-store';
import { orchestrationDecider } from '@agentos/orchestration';
import { formatTimeline, reExecute, timeline } from '@agentos/replay';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run recorded before TaskCompleted had version 2 (by the code of that time, with its signing keys). */
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/history/summarise-v1.json'), 'utf8')) as {
  workflowId: string;
  keys: SigningKeyRecord[];
  records: Omit<RecordedEvent, 'position'>[];
};
const read = (): RecordedEvent[] => fixture.records.map((r, i) => asCurrent({ ...r, position: { commit: i + 1, prepare: 0 } }));

describe('a version-1 history, read after TaskCompleted version 2 and its upcaster were added', () => {
  it('holds TaskCompleted as version 1, and reads it as version 2 with the duration unknown', () => {
    const stored = fixture.records.find((r) => r.event.type === 'TaskCompleted')!;
    expect(stored.event.version).toBe(1);
    expect(stored.event.payload).not.toHaveProperty('durationMs');
    const current = read().find((r) => r.event.type === 'TaskCompleted')!;
    expect(current.event).toMatchObject({ version: 2, payload: { durationMs: null, output: (stored.event.payload as { output: unknown }).output } });
    expect(current.recorded).toEqual(stored.event);
  });

  it('still verifies: the chain and the signatures cover the bytes as recorded, not as upcast', () => {
    expect(verifyStream(read(), new KeyRing(fixture.keys))).toEqual({ ok: true, events: fixture.records.length });
  });

  it('re-executes without divergence and renders its timeline', () => {
    const records = read();
    const result = reExecute(records, orchestrationDecider);
    expect(result.divergence).toBeUndefined();
    expect(result.decisions).toBeGreaterThan(3);
    const rendered = formatTimeline(timeline(records));
    for (const type of ['IntentSubmitted', 'TaskAssigned', 'TaskCompleted', 'IntentCompleted']) expect(rendered).toContain(type);
  });

  it('appended to a store again, it hashes to the same chain: the version-1 bytes are what is stored', async () => {
    const store = new InMemoryEventStore();
    await store.append('workflow-v1', fixture.records.map((r) => r.event));
    const again = await store.readStream('workflow-v1');
    expect(again.map((r) => r.hash)).toEqual(fixture.records.map((r) => r.hash));
    expect(again.find((r) => r.event.type === 'TaskCompleted')?.event.version).toBe(2);
  });
});
