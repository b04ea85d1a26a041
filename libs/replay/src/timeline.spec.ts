import type { Envelope } from '@agentos/contracts';
import { initialRunState } from '@agentos/orchestration';
import { formatSteps } from './state-at';
import { formatTimeline, timeline } from './timeline';

const rootCause = `charge refused by the payment gateway: ${'upstream said the card issuer is unreachable, '.repeat(6)}ROOT-CAUSE-END`;
const taskFailed = {
  stream: 'workflow-x',
  revision: 7,
  position: { commit: 8, prepare: 0 },
  prevHash: '',
  hash: '',
  event: { id: '00000000-0000-4000-8000-000000000007', type: 'TaskFailed', version: 1, occurredAt: '2026-01-01T00:00:07.000Z', correlationId: '00000000-0000-4000-8000-000000000000', causationId: null, tenant: 'acme', actor: { kind: 'agent', id: 'payments' }, payload: { stepId: 'charge', attempt: 2, retryable: false, agent: 'payments', agentVersion: '1.0.0', error: rootCause } } as Envelope,
};

describe('the replay timeline in a terminal', () => {
  it('shows the whole root cause of a failed task, wrapped onto indented lines', () => {
    const text = formatTimeline(timeline([taskFailed]));
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/^# {2}7 .*TaskFailed\s+agent:payments \[payments@1\.0\.0\] {2}step charge attempt 2 \(not retryable\): charge refused/);
    expect(lines.slice(1).every((l) => l.startsWith('      '))).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ').replace(/^.*?step charge/, 'step charge')).toBe(`step charge attempt 2 (not retryable): ${rootCause.trim()}`);
  });

  it('prints the state of each step at a point', () => {
    const state = { ...initialRunState, status: 'running' as const, steps: { reserve: { status: 'completed' as const, attempt: 1 }, charge: { status: 'retry-wait' as const, attempt: 1, retryDueAt: '2026-01-01T00:00:09.000Z', error: 'card declined' }, notify: { status: 'waiting' as const, attempt: 0 } } };
    expect(formatSteps(state)).toEqual([
      '  reserve              completed (attempt 1)',
      '  charge               retry-wait (attempt 1, retry due 2026-01-01T00:00:09.000Z): card declined',
      '  notify               waiting',
    ]);
  });
});
