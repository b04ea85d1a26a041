import type { Envelope } from '@agentos/contracts';
import type { RecordedEvent } from '@agentos/event-store';
import { parseSince } from '@agentos/config';
import { matches, workflowRows } from './run-index';

const recorded = (run: string, tenant: string, at: string, type: string, payload: unknown): RecordedEvent => ({
  stream: `workflow-${run}`,
  revision: 0,
  position: { commit: 1, prepare: 0 },
  prevHash: '',
  hash: '',
  event: { id: `${run}-${type}`, type, version: 1, occurredAt: at, correlationId: run, causationId: null, tenant, actor: { kind: 'service', id: 'orchestrator' }, payload } as Envelope,
});

const rows = workflowRows([
  recorded('a', 'acme', '2026-01-01T10:00:00.000Z', 'WorkflowStarted', { definition: { name: 'order' } }),
  recorded('b', 'globex', '2026-01-01T11:00:00.000Z', 'IntentSubmitted', { capability: 'summarise' }),
  recorded('a', 'acme', '2026-01-01T12:00:00.000Z', 'WorkflowFailed', { reason: 'step charge failed: declined', failedStep: 'charge' }),
  { ...recorded('x', 'acme', '2026-01-01T12:00:00.000Z', 'PolicyDecided', {}), stream: 'policy-acme' },
]);

describe('workflows ls', () => {
  it('lists each run (and nothing else) with its name, tenant and outcome, newest activity first', () => {
    expect(rows.map(({ id, name, tenant, status, reason, events }) => ({ id, name, tenant, status, reason, events }))).toEqual([
      { id: 'a', name: 'order', tenant: 'acme', status: 'failed', reason: 'step charge failed: declined', events: 2 },
      { id: 'b', name: 'summarise', tenant: 'globex', status: 'running', reason: undefined, events: 1 },
    ]);
  });

  it('filters by status, name, tenant and time', () => {
    const ids = (filter: Parameters<typeof matches>[1]) => rows.filter((r) => matches(r, filter)).map((r) => r.id);
    expect(ids({ status: 'failed' })).toEqual(['a']);
    expect(ids({ name: 'summarise' })).toEqual(['b']);
    expect(ids({ tenant: 'globex', status: 'running' })).toEqual(['b']);
    expect(ids({ since: Date.parse('2026-01-01T11:30:00.000Z') })).toEqual(['a']);
  });

  it('reads --since as an ISO time or a span back from now', () => {
    expect(parseSince('2h', Date.parse('2026-01-01T12:00:00.000Z'))).toBe(Date.parse('2026-01-01T10:00:00.000Z'));
    expect(parseSince('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(() => parseSince('yesterday')).toThrow('--since takes an ISO time or a span such as 30m, 2h, 7d; not "yesterday"');
  });
});
