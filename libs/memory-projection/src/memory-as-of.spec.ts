import { createMessage } from '@agentos/contracts';
import { memoryAsOf } from './memory-as-of';

const provenance = { writtenBy: 'agent:a@1.0.0', causationId: null, correlationId: '00000000-0000-4000-8000-000000000000', writtenAt: '' };
const at = (iso: string, event: ReturnType<typeof createMessage>) => ({ ...event, occurredAt: iso });
const origin = { tenant: 't', actor: { kind: 'service' as const, id: 'memory' } };
const written = (key: string, value: unknown, revision: number, expiresAt: string | null = null) =>
  createMessage('MemoryWritten', { scope: 'workflow', scopeId: 'w1', key, value, revision, expiresAt, provenance }, origin);

describe('memoryAsOf (given recorded memory events, when rebuilt as of a time, then the values then)', () => {
  const history = [
    at('2026-11-27T10:00:00.000Z', written('plan', 'draft', 1)),
    at('2026-11-27T10:05:00.000Z', written('plan', 'final', 2)),
    at('2026-11-27T10:06:00.000Z', written('scratch', 'tmp', 3, '2026-11-27T10:07:00.000Z')),
    at('2026-11-27T10:10:00.000Z', createMessage('MemoryDeleted', { scope: 'workflow', scopeId: 'w1', key: 'plan', revision: 4, provenance }, origin)),
  ];
  it('replays writes up to the moment', () => {
    expect(memoryAsOf(history, '2026-11-27T10:01:00.000Z').get('plan')?.value).toBe('draft');
    expect(memoryAsOf(history, '2026-11-27T10:06:30.000Z').get('plan')).toMatchObject({ value: 'final', revision: 2 });
  });
  it('applies expiry and deletion as of that moment', () => {
    expect(memoryAsOf(history, '2026-11-27T10:06:30.000Z').has('scratch')).toBe(true);
    expect(memoryAsOf(history, '2026-11-27T10:08:00.000Z').has('scratch')).toBe(false);
    expect(memoryAsOf(history, '2026-11-27T10:11:00.000Z').has('plan')).toBe(false);
  });
});
